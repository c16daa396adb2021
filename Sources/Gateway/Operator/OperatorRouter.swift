import Dispatch
import Foundation
import HTTP1
import Routing
import Threads

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
        OperatorRoute("POST", "/replay/redrive", .redrive, isOperator: true),
        OperatorRoute("POST", "/replay/remap", .remap, isOperator: true),
        OperatorRoute("POST", "/deliveries/redeliver", .redeliver, isOperator: true),
        OperatorRoute("POST", "/subscribers/{id}/enable", .enableSubscriber, isOperator: true),
    ]

    private static let webhookPrefix = "/webhooks/"

    private static let work = DispatchQueue(label: "gatehouse.operator", qos: .utility, attributes: .concurrent)

    unowned let gateway: Gateway

    func route(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let path = request.path
        // The intake answers its own 404 (unknown source) and 405 (not POST).
        // Compared as bytes (a target is visible ASCII): Substring.hasPrefix compares Characters.
        if path.utf8.starts(with: Self.webhookPrefix.utf8) {
            gateway.intake.handle(source: Substring(path.utf8.dropFirst(Self.webhookPrefix.utf8.count)), request, responder)
            return
        }
        let matching = Self.routes.compactMap { r in r.match(path).map { (r, $0) } }
        guard !matching.isEmpty else {
            responder.respond(.text(.notFound))
            return
        }
        // HEAD is answered as GET; the recovery routes take POST only.
        let method = request.method == "HEAD" ? "GET" : request.method
        guard let (route, captured) = matching.first(where: { $0.0.method == method }) else {
            let allowed = matching.map { $0.0.method == "GET" ? "GET, HEAD" : $0.0.method }.joined(separator: ", ")
            responder.respond(.text(.methodNotAllowed, headers: [("Allow", allowed)]))
            return
        }
        if route.isOperator {
            switch OperatorAccess.decide(authorization: request.headers["authorization"], peer: request.peer,
                                         tokenDigest: gateway.operatorServices.tokenDigest, host: request.headers["host"],
                                         proxied: OperatorAccess.proxyHeaders.contains { request.headers[$0] != nil }) {
            case .allowed:
                break
            case .unauthorized:
                responder.respond(.text(.unauthorized, "unauthorized: send Authorization: Bearer <operator token>",
                                        headers: [("WWW-Authenticate", "Bearer realm=\"gatehouse\"")]))
                return
            case .forbidden:
                responder.respond(.text(HTTPStatus(403), "forbidden: without operator_token the operator endpoints answer loopback clients only, "
                                        + "addressed as localhost, 127.x or [::1] and not through a proxy"))
                return
            }
        }
        if route.method == "POST", let refusal = Self.refusal(ofChange: request, gateway) {
            responder.respond(refusal.adding(Self.operatorHeaders))
            return
        }
        switch route.endpoint {
        case .healthz:
            responder.respond(.text(.ok, "ok"))
        case .readyz:
            let log = gateway.log.stats()
            let readiness = Readiness.evaluate(started: gateway.isReady, queueDepth: log.queueDepth,
                                               queueCapacity: gateway.configuration.log.queueCapacity,
                                               queuedBytes: log.queuedBytes, queueByteCapacity: log.queueByteCapacity,
                                               logFailing: log.failing)
            responder.respond(readiness == .ready ? .text(.ok, readiness.text) : .text(.serviceUnavailable, readiness.text))
        case .webhook:
            responder.respond(.text(.notFound))
        default:
            let gateway = self.gateway
            // Off the event loop. Changes run one at a time inside the gateway itself
            // (`holdingSweeps`), whoever calls it.
            Self.work.async {
                ThreadName.setCurrent("operator")  // a dispatch worker, otherwise named after the loop that made it
                responder.respond(Self.answer(route.endpoint, request, captured, gateway).adding(Self.operatorHeaders))
            }
        }
    }

    /// Why a request that changes state is refused before it runs, if it is. A browser's
    /// request is refused outright: without a token the loopback rule is all that guards these
    /// routes, and a page the operator visits could otherwise post to 127.0.0.1 (browsers send
    /// `Origin` on every POST; curl and `gatehouse` do not). A body must be JSON, which a page
    /// cannot send cross-site without a preflight this server never grants.
    private static func refusal(ofChange request: HTTPRequest, _ gateway: Gateway) -> HTTPResponse? {
        if request.headers["origin"] != nil || request.headers["sec-fetch-site"] != nil {
            return .text(HTTPStatus(403), "forbidden: browser requests cannot change state; use gatehouse or curl")
        }
        if !request.body.isEmpty {
            let type = request.headers["content-type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else {
                return .text(HTTPStatus(415), "send the parameters as a JSON object (Content-Type: application/json) or in the query string")
            }
        }
        guard gateway.isReady else {
            return .text(.serviceUnavailable, "the gateway is starting or stopping; try again", headers: [("Retry-After", "5")])
        }
        return nil
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
            case .redrive:
                return try RecoveryEndpoints.redrive(request, gateway)
            case .remap:
                return try RecoveryEndpoints.remap(request, gateway)
            case .redeliver:
                return RecoveryEndpoints.redeliver(request, gateway)
            case .enableSubscriber:
                let raw = String(captured["id"] ?? "")
                return RecoveryEndpoints.enable(subscriberID: raw.removingPercentEncoding ?? raw, request, gateway)
            case .webhook, .healthz, .readyz:
                return .text(.notFound)
            }
        } catch {
            gateway.logger.error("operator endpoint failed", [("path", String(request.path)), ("error", "\(error)")])
            return .text(.internalServerError, request.method == "POST" ? "the change could not be recorded; see the gateway's log"
                                                                        : "the log could not be read; see the gateway's log")
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
