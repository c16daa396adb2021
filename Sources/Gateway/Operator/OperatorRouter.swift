import HTTP1

/// Routes a request to the intake or to an operator endpoint. Kept apart from the intake so
/// the webhook path stays free of operator concerns.
struct OperatorRouter {
    unowned let gateway: Gateway

    func route(_ request: HTTPRequest, _ responder: HTTPResponder) {
        let path = request.path
        if path.hasPrefix("/webhooks/") {
            gateway.intake.handle(source: path.dropFirst("/webhooks/".count), request, responder)
            return
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            responder.respond(.text(path == "/status" || path == "/healthz" || path == "/readyz" ? .methodNotAllowed : .notFound))
            return
        }
        switch path {
        case "/healthz":
            responder.respond(.text(.ok, "ok"))
        case "/readyz":
            responder.respond(gateway.isReady ? .text(.ok, "ready") : .text(.serviceUnavailable, "not ready"))
        case "/status":
            responder.respond(.json(.ok, StatusReport.build(gateway: gateway).serialized(pretty: true)))
        default:
            responder.respond(.text(.notFound))
        }
    }
}
