/// Takes credentials out of text an API sent back: an error body can echo the key or token
/// of the request it refuses, and that text travels on into the log, `/status` and the
/// notifications subscribers receive.
enum SecretRedaction {
    static let mark = "[redacted]"

    /// `text` with every secret (and the Base64 of `id:secret`, as Basic auth sends it) replaced.
    static func redact(_ text: String, _ secrets: [String]) -> String {
        var out = text
        // Longest first, so a secret containing another is replaced whole. Very short values
        // are left: replacing "1" everywhere would blank the message without protecting much.
        for secret in secrets.filter({ $0.utf8.count >= 6 }).sorted(by: { $0.utf8.count > $1.utf8.count }) where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: mark)
        }
        return out
    }
}
