import Foundation
import Signing

/// Generated secrets for running without credentials: each kept in a 0600 file under the data
/// folder so it survives restarts and a developer can sign test requests with it.
public struct DevelopmentSecrets: Sendable {
    public let directory: String
    /// Off for the offline verbs, which neither verify nor sign: a secret they find missing is
    /// made in memory only, so a dry run leaves the data folder as it was.
    public let writesMissing: Bool

    public init(directory: String, writesMissing: Bool = true) {
        self.directory = directory
        self.writesMissing = writesMissing
    }

    /// The secret for `name` and where it came from (its file, or that it was not written).
    func obtain(_ name: String, scheme: SignatureScheme) throws -> (secret: String, origin: String) {
        let fm = FileManager.default
        let path = (directory as NSString).appendingPathComponent("\(name).secret")
        if let data = fm.contents(atPath: path) {
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { return (text, path) }
        }
        let text: String
        switch scheme {
        case .svix, .standardWebhooks: text = "whsec_" + Base64.encode(SecureRandom.bytes(24))
        case .stripe: text = "whsec_" + Hex.encode(SecureRandom.bytes(24))
        default: text = Hex.encode(SecureRandom.bytes(32))
        }
        guard writesMissing else { return (text, "a development secret held in memory only (\(path) does not exist)") }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write development secret \(path)")
        }
        return (text, path)
    }
}
