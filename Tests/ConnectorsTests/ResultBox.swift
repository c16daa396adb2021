import Connectors
import Synchronization

/// Outcomes gathered from completions that run on other threads.
final class ResultBox: Sendable {
    private let items = Mutex<[(ActionOutcome, Int)]>([])
    func add(_ outcome: ActionOutcome, _ latency: Int) { items.withLock { $0.append((outcome, latency)) } }
    var all: [(ActionOutcome, Int)] { items.withLock { $0 } }
}
