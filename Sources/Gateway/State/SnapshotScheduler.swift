import Foundation
import Synchronization

/// Writes a snapshot of the store's state when enough records were folded since the last
/// one, from a thread of its own: the copy is taken under the store's lock (copy on write,
/// so cheap), and the encoding and the file write happen outside it.
final class SnapshotScheduler: Sendable {
    private let store: EventStore
    private let snapshots: SnapshotStore
    private let everyRecords: Int
    private let logger: Logger
    private let written: Mutex<Int>
    /// Serialises writes: the periodic thread and the shutdown snapshot never overlap.
    private let writing = Mutex(())
    private let stopping = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    private let running = Atomic<Bool>(false)

    /// `recordsAtStart`: how many records the state held when it came from a snapshot (the
    /// next snapshot is due that many records later); zero after a whole-log fold, so a long
    /// fold is checkpointed soon after start.
    init(store: EventStore, snapshots: SnapshotStore, everyRecords: Int, recordsAtStart: Int, logger: Logger) {
        self.store = store
        self.snapshots = snapshots
        self.everyRecords = max(1, everyRecords)
        self.logger = logger
        written = Mutex(recordsAtStart)
    }

    func start(checkEvery seconds: Double = 5) {
        running.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            while !stopping.load(ordering: .relaxed) {
                _ = wake.wait(timeout: .now() + seconds)
                if stopping.load(ordering: .relaxed) { break }
                let applied = store.read { $0.eventsApplied }
                if applied - written.withLock({ $0 }) >= everyRecords { writeNow() }
            }
            done.signal()
        }
        thread.name = "gatehouse-snapshots"
        thread.start()
    }

    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        stopping.store(true, ordering: .relaxed)
        wake.signal()
        done.wait()
    }

    /// Writes a snapshot of the state as it is now, unless it holds nothing new.
    func writeNow() {
        writing.withLock { _ in
            let state = store.snapshot()
            guard let last = state.lastOffset, state.eventsApplied != written.withLock({ $0 }) else { return }
            let started = Date()
            do {
                let checksum = try StateRecovery.checksum(of: last, in: store.log)
                guard let snapshot = state.snapshot(lastRecordChecksum: checksum) else { return }
                let bytes = try snapshots.write(snapshot)
                written.withLock { $0 = state.eventsApplied }
                logger.info("snapshot written", [("offset", "\(last)"), ("records", "\(state.eventsApplied)"), ("bytes", "\(bytes)"),
                                                 ("seconds", String(format: "%.3f", Date().timeIntervalSince(started)))])
            } catch {
                // The log still holds everything; a missing snapshot only makes the next start slower.
                logger.warning("snapshot failed", [("reason", "\(error)")])
            }
        }
    }
}
