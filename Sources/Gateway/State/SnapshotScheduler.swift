import Foundation
import Synchronization

/// Writes a snapshot of the store's state when enough records were folded since the last
/// one, from a thread of its own. Under the store's lock it takes a copy on write of the
/// state and writes the dedupe tables into words prepared beforehand (`snapshotCopy`: a
/// shared table would be copied whole by the next live insert); encoding and the file write
/// happen outside it.
final class SnapshotScheduler: Sendable {
    private let store: EventStore
    private let snapshots: SnapshotStore
    private let everyRecords: Int
    private let minInterval: Double
    /// When the last snapshot was written (monotonic seconds); nil before the first.
    private let lastWrite = Mutex<Double?>(nil)
    private let logger: Logger
    private let written: Mutex<Int>
    /// Serialises writes: the periodic thread, retention and the shutdown snapshot never overlap.
    private let writing = Mutex(())
    private let task = Mutex<PeriodicTask?>(nil)

    /// `recordsAtStart`: how many records the state held when it came from a snapshot (the
    /// next snapshot is due that many records later); zero after a whole-log fold, so a long
    /// fold is checkpointed soon after start.
    init(store: EventStore, snapshots: SnapshotStore, everyRecords: Int, minIntervalSeconds: Double = 0,
         recordsAtStart: Int, logger: Logger) {
        self.store = store
        self.snapshots = snapshots
        self.everyRecords = max(1, everyRecords)
        self.minInterval = max(0, minIntervalSeconds)
        self.logger = logger
        written = Mutex(recordsAtStart)
    }

    func start(checkEvery seconds: Double = 5) {
        let periodic = PeriodicTask(name: "snapshots", every: seconds) { [self] in
            let applied = store.read { $0.eventsApplied }
            let rested = lastWrite.withLock { $0.map { ProcessInfo.processInfo.systemUptime - $0 >= minInterval } ?? true }
            if rested && applied - written.withLock({ $0 }) >= everyRecords { _ = writeNow() }
        }
        task.withLock { $0 = periodic }
        periodic.start()
    }

    func stop() {
        task.withLock { $0 }?.stop()
    }

    /// Writes a snapshot of the state as it is now, unless it holds nothing new. Returns
    /// false if writing failed (the log still holds everything: only the next start is slower).
    @discardableResult
    func writeNow() -> Bool {
        writing.withLock { _ in
            let (applied, sizes) = store.read { ($0.eventsApplied, $0.snapshotTableSizes) }
            guard applied != written.withLock({ $0 }) else { return true }
            // Zero-filled here, outside the lock, so that the copy under it writes into memory
            // already touched; the slack covers what arrives in between.
            var seenWords = [UInt64](repeating: 0, count: 3 * (sizes.seen + sizes.seen / 16 + 1024))
            var settledWords = [UInt64](repeating: 0, count: 3 * (sizes.settled + sizes.settled / 16 + 1024))
            let state = store.read { $0.snapshotCopy(seenWords: &seenWords, settledWords: &settledWords) }
            guard let last = state.lastOffset else { return true }
            let started = Date()
            do {
                let checksum = try StateRecovery.checksum(of: last, in: store.log)
                guard let snapshot = state.snapshot(lastRecordChecksum: checksum, seenWords: seenWords,
                                                    settledWords: settledWords) else { return true }
                let bytes = try snapshots.write(snapshot)
                written.withLock { $0 = state.eventsApplied }
                lastWrite.withLock { $0 = ProcessInfo.processInfo.systemUptime }
                logger.info("snapshot written", [("offset", "\(last)"), ("records", "\(state.eventsApplied)"), ("bytes", "\(bytes)"),
                                                 ("seconds", String(format: "%.3f", Date().timeIntervalSince(started)))])
                return true
            } catch {
                logger.warning("snapshot failed", [("reason", "\(error)")])
                return false
            }
        }
    }
}
