/// One request's fate as the connection reports it: an answer (any status), or a failure
/// already worded (no token, timeout, network).
enum Exchange: Sendable {
    case reply(HTTPReply)
    case failure(AttemptFailure)
}
