import Synchronization

/// Resumes a continuation exactly once, whichever of several racers (the answer, the
/// timeout timer) gets there first.
final class OneShot<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, Never>?>

    init(_ continuation: CheckedContinuation<Value, Never>) {
        self.continuation = Mutex(continuation)
    }

    /// Resumes with `value` and returns true, unless another racer already finished.
    @discardableResult
    func finish(_ value: Value) -> Bool {
        let waiting = continuation.withLock { stored -> CheckedContinuation<Value, Never>? in
            defer { stored = nil }
            return stored
        }
        waiting?.resume(returning: value)
        return waiting != nil
    }
}
