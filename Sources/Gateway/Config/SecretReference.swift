/// Where a secret lives: an environment variable, a file, or both (the variable wins when
/// set). Route and config files hold only these references, never secret values.
public struct SecretReference: Sendable, Codable, Equatable, CustomStringConvertible {
    public var env: String?
    public var file: String?

    public init(env: String? = nil, file: String? = nil) {
        self.env = env
        self.file = file
    }

    /// Names the places, never the value.
    public var description: String {
        [env.map { "$\($0)" }, file.map { "file \($0)" }].compactMap { $0 }.joined(separator: " or ")
    }
}
