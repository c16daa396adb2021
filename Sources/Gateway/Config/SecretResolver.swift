import Foundation

/// Reads secrets from the environment or files. Values are returned to the caller and never
/// logged; errors name the variable or path only.
public struct SecretResolver: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The secret text, or nil when neither the variable nor the file has one.
    public func resolve(_ reference: SecretReference) throws -> String? {
        // Blank counts as unset, as for a file: an empty token would lock every client out.
        if let name = reference.env, let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return value
        }
        if let path = reference.file {
            // Only a file that is not there counts as unset: one that cannot be reached (a
            // folder without search permission) is an error, not a reason for a development
            // secret or a "set it" message.
            var info = stat()
            guard stat(path, &info) == 0 else {
                if errno == ENOENT || errno == ENOTDIR { return nil }
                throw ConfigurationError("cannot read secret file \(path): \(String(cString: strerror(errno)))")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("cannot read secret file \(path)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return text.isEmpty ? nil : text
        }
        return nil
    }
}
