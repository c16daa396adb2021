/// A verified webhook as it was accepted: the first event of every delivery's history.
public struct ReceivedEvent: Sendable, Equatable {
    public var source: String
    /// The dedupe key within the source: the scheme's id, a configured body field, or the body's SHA-256.
    public var eventID: String
    public var eventType: String?
    /// Unix milliseconds when the gateway accepted it.
    public var receivedAt: Int64
    /// The sender's signed timestamp, when the scheme has one (unix seconds).
    public var signedAt: Int64?
    public var contentType: String?
    public var body: [UInt8]
    /// Its source had no rules when it arrived, so this record is its routing too: no
    /// `routed` record follows (it would only say "no jobs"), and it is never unrouted.
    public var routedAtIntake: Bool
    /// The SHA-256 of what the signature covers (the body, or its timestamp and the body),
    /// kept when `eventID` came from a header outside the signature: a second dedupe key
    /// (`sha256:<hex>`), so a captured delivery replayed under a new id is still a duplicate.
    /// Nil otherwise.
    public var contentDigest: [UInt8]?

    public init(source: String, eventID: String, eventType: String?, receivedAt: Int64, signedAt: Int64?, contentType: String?,
                body: [UInt8], routedAtIntake: Bool = false, contentDigest: [UInt8]? = nil) {
        self.source = source
        self.eventID = eventID
        self.eventType = eventType
        self.receivedAt = receivedAt
        self.signedAt = signedAt
        self.contentType = contentType
        self.body = body
        self.routedAtIntake = routedAtIntake
        self.contentDigest = contentDigest
    }

}
