import Synchronization

/// Admits at most `slots` performs at a time to one API; the rest wait first come, first
/// served. Admission is decided when a perform is submitted, so the order is the callers'.
final class RequestGate: Sendable {
    private struct State {
        var free: Int
        var waiting: [@Sendable () -> Void] = []
    }

    private let state: Mutex<State>

    init(slots: Int) {
        state = Mutex(State(free: max(1, slots)))
    }

    /// Calls `start` now if a slot is free, otherwise when one is released. `start` must not
    /// block: it runs on the thread that submits or releases.
    func submit(_ start: @escaping @Sendable () -> Void) {
        let admitted = state.withLock { state -> Bool in
            guard state.free > 0 else {
                state.waiting.append(start)
                return false
            }
            state.free -= 1
            return true
        }
        if admitted { start() }
    }

    /// Hands the slot to the longest waiter, or frees it.
    func release() {
        let next = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?()
    }
}
