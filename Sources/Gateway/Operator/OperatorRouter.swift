import Dispatch
import Foundation
import HTTP1
import Routing

/// Routes a request to the intake or to an operator endpoint. Kept apart from the intake so
/// the webhook path stays free of operator concerns: operator work (which may read the log)
/// runs off the event loops, and their answers hop back to the connection's loop.
public struct OperatorRouter {
    /// Every route the server answers, the one table the dispatch below and the OpenAPI
    /// document's test both read. GET routes answer HEAD too.
    public static let routes: [OperatorRoute] = [
        OperatorRoute("POST", "/webhooks/{source}", .webhook, isOperator: false),
        OperatorRoute("GET", "/healthz", .healthz, isOperator: false),
        OperatorRoute("GET", "/readyz", .readyz, isOperator: false),
        OperatorRoute("GET", "/status", .status, isOperator: true),
        OperatorRoute("GET", "/status.html", .statusPage, isOperator: true),
        OperatorRoute("GET", "/metrics", .metrics, isOperator: true),
        OperatorRoute("GET", "/events", .events, isOperator: true),
        OperatorRoute("GET", "/events/{id}", .event, isOperator: true),
    ]

    private static let work = DispatchQueue(label: "gatehouse.operator", qos: .utility, attributes: .concurrent)

    unowned let gateway: Gateway

    func route(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let path = request.path
        // The intake answers its own 404 (unknown source) and 405 (not POST).
        if path.hasPrefix("/webhooks/") {
            gateway.intake.handle(source: path.dropFirst("/webhooks/".count), request, responder)
            return
        }
        guard let found = Self.routes.lazy.compactMap({ r in r.match(path).map { (r, $0) } }).first else {
            responder.respond(.text(.notFound))
            return
        }
        let (route, captured) = found
        guard request.method == "GET" || request.method == "HEAD" else {
            responder.respond(.text(.methodNotAllowed, headers: [("Allow", "GET, HEAD")]))
            return
        }
        if route.isOperator {
            switch OperatorAccess.decide(authorization: request.headers["authorization"], peer: request.peer,
                                         tokenDigest: gateway.operatorServices.tokenDigest) {
            case .allowed:
                break
            case .unauthorized:
                responder.respond(.text(.unauthorized, "unauthorized: send Authorization: Bearer <operator token>",
                                        headers: [("WWW-Authenticate", "Bearer realm=\"gatehouse\"")]))
                return
            case .forbidden:
                responder.respond(.text(HTTPStatus(403), "forbidden: without operator_token the operator endpoints answer loopback clients only"))
                return
            }
        }
        switch route.endpoint {
        case .healthz:
            responder.respond(.text(.ok, "ok"))
        case .readyz:
            responder.respond(gateway.isReady ? .text(.ok, "ready") : .text(.serviceUnavailable, "not ready"))
        case .webhook:
            responder.respond(.text(.notFound))
        default:
            let gateway = self.gateway
            Self.work.async {
                responder.respond(Self.answer(route.endpoint, request, captured, gateway).adding(Self.operatorHeaders))
            }
        }
    }

    static let operatorHeaders = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")]

    private static func answer(_ endpoint: OperatorRoute.Endpoint, _ request: HTTPRequest, _ captured: [String: Substring],
                               _ gateway: Gateway) -> HTTPResponse {
        do {
            switch endpoint {
            case .status where wantsHTML(request.headers["accept"]), .statusPage:
                return html(StatusPage.render(StatusReport.build(gateway: gateway)))
            case .status:
                return .json(.ok, StatusReport.build(gateway: gateway).serialized(pretty: true))
            case .metrics:
                return HTTPResponse(.ok, contentType: PrometheusText.contentType, body: MetricsReport.render(gateway: gateway))
            case .events:
                let query: EventSearchQuery
                do { query = try EventSearchQuery(parsing: request.query) } catch { return .text(.badRequest, error.description) }
                gateway.operatorServices.tail.catchUp()
                return .json(.ok, try EventSearch.run(query, store: gateway.store, events: gateway.operatorServices.index).serialized(pretty: true))
            case .event:
                let raw = String(captured["id"] ?? "")
                let id = raw.removingPercentEncoding ?? raw
                let parameters = request.query
                if let unknown = parameters.keys.sorted().first(where: { $0 != "body" && $0 != "source" }) {
                    return .text(.badRequest, "unknown parameter \"\(unknown)\" (known: body, source)")
                }
                let includeBody = ["1", "true", "yes"].contains(parameters["body"] ?? "")
                guard let history = try EventHistory.build(eventID: id, source: parameters["source"], includeBody: includeBody,
                                                           store: gateway.store) else {
                    return .json(.notFound, JSONValue.object(["error": .string("no event with this id")]).serialized())
                }
                return .json(.ok, history.serialized(pretty: true))
            case .webhook, .healthz, .readyz:
                return .text(.notFound)
            }
        } catch {
            gateway.logger.error("operator endpoint failed", [("path", String(request.path)), ("error", "\(error)")])
            return .text(.internalServerError, "the log could not be read; see the gateway's log")
        }
    }

    /// The status page for a browser: `text/html` listed before `application/json`.
    static func wantsHTML(_ accept: String?) -> Bool {
        guard let accept = accept?.lowercased(), let html = accept.range(of: "text/html") else { return false }
        guard let json = accept.range(of: "application/json") else { return true }
        return html.lowerBound < json.lowerBound
    }

    private static func html(_ page: String) -> HTTPResponse {
        HTTPResponse(.ok, contentType: "text/html; charset=utf-8", body: page, headers: [
            ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"),
        ])
    }
}

extension HTTPResponse {
    func adding(_ extra: [(String, String)]) -> HTTPResponse {
        var copy = self
        for (name, value) in extra { copy.headers.add(name, value) }
        return copy
    }
}
