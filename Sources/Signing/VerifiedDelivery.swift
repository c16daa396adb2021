/// What a successful verification vouches for.
public struct VerifiedDelivery: Sendable, Equatable {
    /// The sender's delivery id, stable across redeliveries: the dedupe key. Nil for
    /// Stripe and Slack (Stripe's event id lives in the body) and when the sender
    /// omitted an optional id header.
    public let eventId: String?
    /// The signed timestamp in unix seconds, for schemes that sign one.
    public let timestamp: Int64?
    /// When the scheme's id header is outside the signature (sent or not): the SHA-256 of
    /// exactly what the signature covers (the body, or its timestamp and the body), which a
    /// replay cannot change, however it alters that header. Nil otherwise.
    public let signedContentDigest: [UInt8]?

    public init(eventId: String?, timestamp: Int64?, signedContentDigest: [UInt8]? = nil) {
        self.eventId = eventId
        self.timestamp = timestamp
        self.signedContentDigest = signedContentDigest
    }
}
