import Dispatch
import Synchronization

/// Blocks a worker until the journal says whether its events are durable.
final class RecordWaiter: Sendable {
    private let result = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    static func record(_ events: [DeliveryEvent], in journal: any DeliveryJournal) -> Bool {
        let waiter = RecordWaiter()
        journal.record(events) { ok in
            waiter.result.withLock { $0 = ok }
            waiter.done.signal()
        }
        waiter.done.wait()
        return waiter.result.withLock { $0 }
    }
}
