import Synchronization

/// The faults staged for one simulator. Faults are consumed first-in first-out: a request
/// takes the oldest staged fault that matches it, so staging order is the order of effects.
public final class FaultPlan: Sendable {
    private let queue = Mutex<[QueuedFault]>([])

    public init() {}

    /// Stages `fault` for the next `times` requests matching `method` and `pathPrefix`.
    public func add(_ fault: Fault, times: Int = 1, method: String? = nil, pathPrefix: String? = nil) {
        guard times > 0 else { return }
        queue.withLock { $0.append(QueuedFault(fault: fault, remaining: times, method: method, pathPrefix: pathPrefix)) }
    }

    public func clear() { queue.withLock { $0.removeAll() } }

    /// What is still staged, oldest first.
    public var pending: [QueuedFault] { queue.withLock { $0 } }

    /// Consumes one use of the oldest matching fault. Taking and decrementing happen under
    /// one lock so two concurrent requests can never both use a fault staged once.
    func take(method: String, paths: [String]) -> Fault? {
        queue.withLock { queue in
            guard let index = queue.firstIndex(where: { $0.matches(method: method, paths: paths) }) else { return nil }
            let fault = queue[index].fault
            queue[index].remaining -= 1
            if queue[index].remaining == 0 { queue.remove(at: index) }
            return fault
        }
    }
}
