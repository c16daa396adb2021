/// What a delivery's headers assert, before any key is tried: the content the sender
/// says it signed and the candidate tags it sent.
struct SignedClaim {
    /// Concatenated in order, these are the signed bytes; kept apart so the body is
    /// never copied.
    var content: [[UInt8]]
    var signatures: [[UInt8]]
    var timestamp: Int64?
    var eventId: String?
    /// The scheme takes its id from a header outside the signature (whether or not this
    /// delivery sent it): a replay can add, change or drop that header.
    var idHeaderIsUnsigned = false
}
