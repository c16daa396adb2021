import EventLog
import Foundation

/// Rebuilds the folded state at start: from the newest snapshot that matches the log plus
/// the records after it, or, when none does, by folding the whole log.
enum StateRecovery {
    struct Outcome {
        let state: GatewayState
        /// One line for the start-up log: where the state came from.
        let summary: String
        let recordsFolded: Int
        let fromSnapshot: Bool
        /// Snapshot files that were there but could not be used.
        var refusedSnapshots = 0
    }

    /// `prefetched` is the newest snapshot, read while the log was opening (see `SnapshotPrefetch`).
    static func recover(_ log: FileLog, snapshots: SnapshotStore?, prefetched: SnapshotPrefetch? = nil, logger: Logger,
                        progress: ((Int, Int) -> Void)? = nil) throws -> Outcome {
        // Recovery's mappings serve the fold below; a running server must not keep them.
        defer { log.releaseRecoveryMappings() }
        var refused = 0
        for (offset, path) in snapshots?.files() ?? [] {
            do {
                let snapshot = try prefetched?.snapshot(at: path) ?? snapshots!.read(path)
                guard snapshot.lastOffset == offset else { throw SnapshotError.damaged("file name says offset \(offset), contents say \(snapshot.lastOffset)") }
                let (state, tail) = try restore(snapshot, log: log)
                return Outcome(state: state, summary: "snapshot at offset \(offset) (\(snapshot.eventsApplied) records) + \(tail) records after it, \(snapshot.workRecords.count) work records re-read",
                               recordsFolded: tail, fromSnapshot: true)
            } catch let error as SnapshotError {
                logger.warning("snapshot not used; trying an older one or the whole log", [("file", path), ("reason", "\(error)")])
                refused += 1
            }
        }
        let state = try fullFold(log, progress: progress)
        return Outcome(state: state, summary: "whole log folded (\(state.eventsApplied) records)", recordsFolded: state.eventsApplied, fromSnapshot: false,
                       refusedSnapshots: refused)
    }

    /// Replays every record into a fresh state. A record that passed its CRC but cannot be
    /// decoded stops the start: guessing past it could lose or double work.
    /// `progress` is told every 250,000 records how many of the log's records are folded.
    static func fullFold(_ log: FileLog, progress: ((Int, Int) -> Void)? = nil) throws -> GatewayState {
        var state = GatewayState()
        let total = log.recovery.records
        // Roughly half the records are `received` ones; over-reserving costs little.
        state.reserve(events: total / 2)
        var folder = StateFolder(state)
        _ = try FoldPipeline.fold(log, from: 0, into: &folder) { progress?($0, total) }
        log.releaseRecoveryMappings()
        return folder.finish()
    }

    /// The checksum a snapshot keeps of the last record it folded.
    static func checksum(of offset: UInt64, in log: FileLog) throws -> UInt32 {
        var crc: UInt32 = 0
        try log.readRecords(at: [offset]) { _, payload in crc = CRC32C.update(0, payload) }
        return crc
    }

    private static func restore(_ snapshot: StateSnapshot, log: FileLog) throws -> (GatewayState, Int) {
        guard snapshot.lastOffset < log.durableEnd else {
            throw SnapshotError.mismatch("it covers offset \(snapshot.lastOffset) but the log ends at \(log.durableEnd)")
        }
        let crc: UInt32
        do { crc = try checksum(of: snapshot.lastOffset, in: log) } catch {
            throw SnapshotError.mismatch("no record at offset \(snapshot.lastOffset) (\(error))")
        }
        guard crc == snapshot.lastRecordChecksum else { throw SnapshotError.mismatch("the record at offset \(snapshot.lastOffset) differs") }
        if let first = snapshot.workRecords.first, first < log.firstOffset {
            throw SnapshotError.mismatch("it needs the record at offset \(first), but the log now starts at \(log.firstOffset) (removed by retention)")
        }
        var state = GatewayState(snapshot: snapshot)
        do { try FoldPipeline.replayWork(log, offsets: snapshot.workRecords, into: &state) } catch {
            // Offsets that do not lead to the records they name (a damaged list that passed
            // its CRC) mean this snapshot cannot be trusted; the whole log still can.
            throw SnapshotError.mismatch("its delivery records cannot be re-read (\(error))")
        }
        state.restoreSubscribers(snapshot.subscribers)
        var folder = StateFolder(state)
        let tail = try FoldPipeline.fold(log, from: snapshot.lastOffset, skipping: snapshot.lastOffset, into: &folder)
        return (folder.finish(), tail)
    }
}
