import Dispatch
import Synchronization

/// Hands one URLSession completion to the worker waiting for it.
final class AnswerBox: Sendable {
    private let value = Mutex<SendResult.Answer?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func set(_ answer: SendResult.Answer) {
        value.withLock { $0 = answer }
        ready.signal()
    }

    func wait(milliseconds: Int) -> SendResult.Answer? {
        _ = ready.wait(timeout: .now() + .milliseconds(milliseconds))
        return value.withLock { $0 }
    }
}
