import HTTP1

/// One API's own behaviour: routes, credentials, validation and records. The shared
/// plumbing around it (faults, journal, control surface) lives in `SimulatorCore`.
protocol APIBehaviour: Sendable {
    /// Performs the request and produces the API's answer.
    func respond(to request: APIRequest) -> HTTPResponse
    /// An error in the API's documented shape, for answers the plumbing makes itself
    /// (paths outside the base path, staged status faults, 429s).
    func errorResponse(status: Int, message: String, headers: [(String, String)]) -> HTTPResponse
    /// The records, for `GET /_sim/state`.
    func stateSnapshot() -> JSON
}

extension HTTPResponse {
    static func json(_ status: Int, _ value: JSON, headers: [(String, String)] = []) -> HTTPResponse {
        .json(HTTPStatus(status), JSONWriter.bytes(value), headers: headers)
    }
}
