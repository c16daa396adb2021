/// A bearer token, or why there is none.
enum TokenResult: Sendable {
    case token(String)
    case failure(AttemptFailure)
}
