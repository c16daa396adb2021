/// A misbehaviour to stage for a coming request, so a connector's retry and
/// ambiguous-outcome handling can be exercised deterministically.
public enum Fault: Sendable, Equatable {
    /// Answer with this status and body instead of performing the request. With no body the
    /// API's own error shape is used, with the status's reason as the message.
    case status(Int, body: String? = nil)
    /// 429 with `Retry-After: seconds`, in the API's error shape; nothing is performed.
    case tooManyRequests(retryAfterSeconds: Int)
    /// Wait, then perform and answer normally.
    case delay(milliseconds: Int)
    /// Close the connection without answering and without performing the request.
    case drop
    /// Perform the request (create the record, say), then close without answering: the
    /// caller cannot know whether its write happened.
    case dropAfterCommit
}
