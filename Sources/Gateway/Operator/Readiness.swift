/// What `/readyz` answers: ready once the log is recovered, the state rebuilt and the routes
/// loaded (the gateway is started and not draining), and while the log keeps up. A log
/// queue three-quarters full (in records or in bytes) means webhooks are about to get 503s,
/// and a log whose latest write failed is refusing them now, so a load balancer should send
/// them to another instance for a while.
enum Readiness: Equatable {
    case ready
    case starting
    case overloaded(queued: Int, capacity: Int)
    case overloadedBytes(queued: Int, capacity: Int)
    case logFailing

    static func evaluate(started: Bool, queueDepth: Int, queueCapacity: Int,
                         queuedBytes: Int = 0, queueByteCapacity: Int = 0, logFailing: Bool = false) -> Readiness {
        guard started else { return .starting }
        if logFailing { return .logFailing }
        if queueCapacity > 0 && queueDepth * 4 >= queueCapacity * 3 { return .overloaded(queued: queueDepth, capacity: queueCapacity) }
        if queueByteCapacity > 0 && queuedBytes >= queueByteCapacity / 4 * 3 {
            return .overloadedBytes(queued: queuedBytes, capacity: queueByteCapacity)
        }
        return .ready
    }

    var text: String {
        switch self {
        case .ready: return "ready"
        case .starting: return "not ready: starting or draining"
        case .overloaded(let queued, let capacity): return "not ready: log queue \(queued) of \(capacity) appends"
        case .overloadedBytes(let queued, let capacity): return "not ready: log queue \(queued) of \(capacity) bytes"
        case .logFailing: return "not ready: the log's latest write failed (see the gateway's log and /status)"
        }
    }
}
