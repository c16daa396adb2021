import Dispatch
import Synchronization

/// Turns an `append` completion into a blocking wait for `appendAndWait`.
final class AppendWaiter: Sendable {
    private let result = Mutex<Result<[UInt64], LogError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func complete(_ value: Result<[UInt64], LogError>) {
        result.withLock { $0 = value }
        done.signal()
    }

    func wait() -> Result<[UInt64], LogError> {
        done.wait()
        return result.withLock { $0! }
    }
}
