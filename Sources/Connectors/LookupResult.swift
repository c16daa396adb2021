import Routing

/// What a search for an existing record found.
enum LookupResult: Sendable {
    /// `record` is the API's own object; `status` the answer it came in.
    case found(status: Int, record: JSONValue)
    case absent
    /// The search itself failed, or cannot be done; the create must not go ahead blindly.
    case failed(AttemptFailure)

    /// A failed search request, worded as such.
    static func failed(_ exchange: Exchange, while doing: String, via connection: APIConnection) -> LookupResult {
        let failure: AttemptFailure
        switch exchange {
        case .failure(let f): failure = f
        case .reply(let reply): failure = .reply(reply, api: connection.api, secrets: connection.secrets)
        }
        return .failed(AttemptFailure(retryable: failure.retryable, status: failure.status,
                                      detail: "\(doing): \(failure.detail)", retryAfterSeconds: failure.retryAfterSeconds))
    }
}
