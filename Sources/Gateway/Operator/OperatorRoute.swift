/// One route the gateway serves: a method, a path pattern whose `{name}` segments match any
/// one non-empty segment, the endpoint that answers it, and whether it is an operator
/// endpoint (behind the token or loopback rule, see `OperatorAccess`).
public struct OperatorRoute: Sendable, Equatable, CustomStringConvertible {
    public enum Endpoint: String, Sendable {
        case webhook, healthz, readyz, status, statusPage, metrics, events, event
        /// The recovery verbs on the running server (POST): they append to the log.
        case redrive, remap, redeliver, enableSubscriber
    }

    public let method: String
    public let pattern: String
    public let endpoint: Endpoint
    public let isOperator: Bool

    public init(_ method: String, _ pattern: String, _ endpoint: Endpoint, isOperator: Bool) {
        self.method = method
        self.pattern = pattern
        self.endpoint = endpoint
        self.isOperator = isOperator
    }

    public var description: String { "\(method) \(pattern)" }

    /// The values of the pattern's `{name}` segments (still percent-encoded), or nil when
    /// the path does not match.
    public func match(_ path: Substring) -> [String: Substring]? {
        let want = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let got = path.split(separator: "/", omittingEmptySubsequences: false)
        guard want.count == got.count else { return nil }
        var captured: [String: Substring] = [:]
        for (w, g) in zip(want, got) {
            if w.hasPrefix("{") && w.hasSuffix("}") {
                guard !g.isEmpty else { return nil }
                captured[String(w.dropFirst().dropLast())] = g
            } else if w != g {
                return nil
            }
        }
        return captured
    }
}
