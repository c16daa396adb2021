import Synchronization

/// Calls `done` once `tick` has been called `count` times.
final class Countdown: Sendable {
    private let remaining: Mutex<Int>
    private let done: @Sendable () -> Void

    init(_ count: Int, done: @escaping @Sendable () -> Void) {
        remaining = Mutex(count)
        self.done = done
    }

    func tick() {
        if remaining.withLock({ $0 -= 1; return $0 == 0 }) { done() }
    }
}
