/// What the notifier keeps of a subscriber's answer.
struct ClientResponse: Sendable, Equatable {
    let status: Int
    /// `Retry-After` as sent (seconds or an HTTP date).
    let retryAfter: String?
    /// The start of the body, for the error text of a failed attempt.
    let bodyPrefix: [UInt8]
    /// Whether the connection may carry the next request.
    let reusable: Bool
}
