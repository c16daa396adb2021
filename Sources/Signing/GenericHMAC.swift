/// A user-described HMAC-SHA256 scheme, for senders that follow no named convention.
///
/// With a `timestampHeader` the signed content is `"{timestamp}.{body}"` and the
/// timestamp is held to the verifier's tolerance; without one it is the raw body.
public struct GenericHMAC: Sendable, Equatable, Codable {
    /// The header carrying the signature (looked up case-insensitively).
    public var header: String
    public var encoding: Encoding
    /// Text before the encoded tag in each signature entry, e.g. `"sha256="`.
    /// Entries are comma-separated (several signatures in one header), so the prefix
    /// cannot itself contain a comma.
    public var prefix: String?
    public var timestampHeader: String?
    /// The header carrying the sender's delivery id, used for deduplication.
    public var idHeader: String?

    public init(
        header: String,
        encoding: Encoding = .hex,
        prefix: String? = nil,
        timestampHeader: String? = nil,
        idHeader: String? = nil
    ) {
        self.header = header
        self.encoding = encoding
        self.prefix = prefix
        self.timestampHeader = timestampHeader
        self.idHeader = idHeader
    }
}
