import Foundation
import Synchronization
import Threads

/// A named thread that runs `work` every `seconds` until stopped; `stop()` wakes it at once
/// and waits until the current run is over, so a shutdown never races a half-done run.
final class PeriodicTask: Sendable {
    private let name: String
    private let seconds: Double
    private let work: @Sendable () -> Void
    private let stopping = Atomic<Bool>(false)
    private let running = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    init(name: String, every seconds: Double, _ work: @escaping @Sendable () -> Void) {
        self.name = name
        self.seconds = seconds
        self.work = work
    }

    func start() {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        let thread = Thread { [self] in
            ThreadName.setCurrent(name)
            while !stopping.load(ordering: .relaxed) {
                _ = wake.wait(timeout: .now() + seconds)
                if stopping.load(ordering: .relaxed) { break }
                work()
            }
            done.signal()
        }
        thread.start()
    }

    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        stopping.store(true, ordering: .relaxed)
        wake.signal()
        done.wait()
    }
}
