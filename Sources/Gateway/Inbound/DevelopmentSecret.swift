import Foundation
import Signing

/// A generated secret for running without credentials: kept in a 0600 file under the data
/// folder so it survives restarts and a developer can sign test requests with it.
enum DevelopmentSecret {
    static func obtain(source: String, scheme: SignatureScheme, directory: String) throws -> (String, String) {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = (directory as NSString).appendingPathComponent("\(source).secret")
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
        guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("cannot write development secret \(path)")
        }
        return (text, path)
    }
}
