import Synchronization

/// Set once when the notifier gives up waiting for in-flight requests at stop: blocking
/// I/O polls it between short waits and gives up too.
final class AbortSignal: Sendable {
    private let flag = Atomic<Bool>(false)

    func raise() { flag.store(true, ordering: .releasing) }
    var isRaised: Bool { flag.load(ordering: .acquiring) }
}
