/// Why an attempt got no HTTP answer. Descriptions name hosts and addresses, never the
/// URL (its query may hold a token) nor any header.
enum SendFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidTarget(String)
    case resolveFailed(String)
    case refusedAddress(String)
    case connectFailed(String)
    case timedOut(String)
    /// The peer closed or reset after part of an answer.
    case connectionClosed(String)
    /// The peer closed or reset before a single byte of answer.
    case closedBeforeAnswer(String)
    case malformedResponse(String)
    case transport(String)
    /// The notifier is stopping: the request may or may not have reached the subscriber.
    case aborted

    var description: String {
        switch self {
        case .invalidTarget(let why): return "url \(why)"
        case .resolveFailed(let why): return why
        case .refusedAddress(let why): return "refused: \(why)"
        case .connectFailed(let why): return "connect failed: \(why)"
        case .timedOut(let phase): return "timed out \(phase)"
        case .connectionClosed(let why): return "connection closed \(why) mid-answer"
        case .closedBeforeAnswer(let why): return "connection closed \(why) before any answer"
        case .malformedResponse(let why): return "malformed response: \(why)"
        case .transport(let why): return why
        case .aborted: return "aborted: notifier stopping"
        }
    }
}
