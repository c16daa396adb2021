import Foundation
import HTTP1

/// The request path shared by every simulator: journal, staged faults, control surface,
/// then the API's own behaviour. Kept apart from `APISimulator` so the server's handler
/// holds only this and never the object that owns the server.
final class SimulatorCore: Sendable {
    let api: SimulatedAPI
    let behaviour: any APIBehaviour
    let faults: FaultPlan
    let journal = RequestJournal()

    init(api: SimulatedAPI, behaviour: any APIBehaviour, faults: FaultPlan) {
        self.api = api
        self.behaviour = behaviour
        self.faults = faults
    }

    func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let path = String(request.path)
        // The control surface is not part of the API: no faults, no auth, not journaled,
        // so a script polling the journal does not pollute what it reads.
        if path == "/_sim" || path.hasPrefix("/_sim/") {
            responder.respond(ControlSurface(core: self).respond(to: request))
            return
        }
        let entry = journal.record(RecordedRequest(method: request.method, target: request.target,
                                                   headers: request.headers.fields.map { ($0.name, $0.value) },
                                                   body: request.body, status: nil, receivedAt: Date()))
        let relative = relativePath(path)
        let perform: @Sendable () -> HTTPResponse = { [behaviour] in
            guard let relative else { return behaviour.errorResponse(status: 404, message: "Not Found", headers: []) }
            return behaviour.respond(to: APIRequest(method: request.method, path: relative, query: request.query,
                                                    headers: request.headers, body: request.body))
        }
        let journal = journal
        let answer: @Sendable (HTTPResponse) -> Void = { response in
            // Journal first, so a caller that reads the journal after its answer sees the status.
            journal.answered(entry, status: response.status.code)
            responder.respond(response)
        }
        switch faults.take(method: request.method, paths: [path, relative ?? path]) {
        case nil:
            answer(perform())
        case .status(let code, let body)?:
            answer(statusResponse(code, body: body))
        case .tooManyRequests(let seconds)?:
            answer(behaviour.errorResponse(status: 429, message: HTTPStatus(429).reason, headers: [("Retry-After", String(seconds))]))
        case .delay(let milliseconds)?:
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { answer(perform()) }
        case .drop?:
            responder.abort()
        case .dropAfterCommit?:
            _ = perform()
            responder.abort()
        }
    }

    /// The path below the API's base path, or nil when the request is outside it.
    private func relativePath(_ path: String) -> String? {
        let base = api.basePath
        if base.isEmpty { return path }
        if path == base { return "" }
        guard path.hasPrefix(base + "/") else { return nil }
        return String(path.dropFirst(base.count))
    }

    private func statusResponse(_ code: Int, body: String?) -> HTTPResponse {
        guard let body else { return behaviour.errorResponse(status: code, message: HTTPStatus(code).reason, headers: []) }
        let isJSON = (try? JSONParser.parse(body)) != nil
        return HTTPResponse(HTTPStatus(code), contentType: isJSON ? "application/json" : "text/plain; charset=utf-8", body: body)
    }
}
