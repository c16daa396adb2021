import Notify
import Synchronization

/// A journal that refuses `attemptStarted` records until told otherwise.
final class RefusingStartsJournal: DeliveryJournal {
    private let inner = MemoryDeliveryJournal()
    private let refusing = Mutex(true)

    func refuseStarts(_ refuse: Bool) { refusing.withLock { $0 = refuse } }

    func record(_ events: [DeliveryEvent], then: @escaping @Sendable (Bool) -> Void) {
        let refuse = refusing.withLock { $0 } && events.contains { if case .attemptStarted = $0 { return true }; return false }
        if refuse { then(false) } else { inner.record(events, then: then) }
    }

    func state() -> DeliveryState { inner.state() }
}
