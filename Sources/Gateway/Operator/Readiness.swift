/// What `/readyz` answers: ready once the log is recovered, the state rebuilt and the routes
/// loaded (the gateway is started and not draining), and while the log keeps up. A log
/// queue three-quarters full means webhooks are about to get 503s, so a load balancer
/// should send them to another instance for a while.
enum Readiness: Equatable {
    case ready
    case starting
    case overloaded(queued: Int, capacity: Int)

    static func evaluate(started: Bool, queueDepth: Int, queueCapacity: Int) -> Readiness {
        guard started else { return .starting }
        if queueCapacity > 0 && queueDepth * 4 >= queueCapacity * 3 { return .overloaded(queued: queueDepth, capacity: queueCapacity) }
        return .ready
    }

    var text: String {
        switch self {
        case .ready: return "ready"
        case .starting: return "not ready: starting or draining"
        case .overloaded(let queued, let capacity): return "not ready: log queue \(queued) of \(capacity) appends"
        }
    }
}
