import EventLog
import Foundation

/// `gatehouse replay` while the server is stopped: take the data folder's lock, recover the
/// log as a start would, fold it, and report what the state holds.
public enum OfflineReplay {
    public struct Summary: Sendable {
        public let recovery: String
        public let state: GatewayState
        public let records: Int
        /// Opening the log (every segment read and its CRCs checked) plus the fold.
        public let seconds: Double
        /// The fold alone: reading the records again and applying each.
        public let foldSeconds: Double
    }

    /// `progress(folded, total)` is called every 250,000 records, for a progress line.
    public static func run(configuration: GatewayConfiguration, progress: ((Int, Int) -> Void)? = nil) throws -> Summary {
        let directory = try DataDirectory(path: configuration.data)
        let started = Date()
        let log = try FileLog.open(directory: directory.logPath, options: try Gateway.logOptions(configuration))
        defer { log.close() }
        let opened = Date()
        let state = try StateRecovery.fullFold(log, progress: progress)
        return Summary(recovery: log.recovery.summary, state: state, records: state.eventsApplied,
                       seconds: Date().timeIntervalSince(started), foldSeconds: Date().timeIntervalSince(opened))
    }

    /// What a start does to rebuild the state (open the log, then the newest usable snapshot
    /// plus the records after it, or the whole log), timed; writes a snapshot first when
    /// `writeSnapshot` is set and the folder has none that matches. For `bench/restart.sh`.
    public static func timeRestart(configuration: GatewayConfiguration, writeSnapshot: Bool) throws -> (summary: String, seconds: Double) {
        let directory = try DataDirectory(path: configuration.data)
        let snapshots = try SnapshotStore(directory: directory.snapshotsPath, keep: configuration.snapshots.keep)
        if writeSnapshot {
            let log = try FileLog.open(directory: directory.logPath, options: try Gateway.logOptions(configuration))
            let state = try StateRecovery.fullFold(log)
            if let last = state.lastOffset, let snapshot = state.snapshot(lastRecordChecksum: try StateRecovery.checksum(of: last, in: log)) {
                try snapshots.write(snapshot)
            }
            log.close()
        }
        let started = Date()
        let prefetched = SnapshotPrefetch(snapshots)
        let log = try FileLog.open(directory: directory.logPath, options: try Gateway.logOptions(configuration))
        defer { log.close() }
        let outcome = try StateRecovery.recover(log, snapshots: snapshots, prefetched: prefetched, logger: Logger(minimum: .error))
        return (outcome.summary, Date().timeIntervalSince(started))
    }

    /// Checks every record's CRC without changing any file (safe while the server runs).
    public static func verify(configuration: GatewayConfiguration) -> VerificationReport {
        LogVerifier.verify(directory: (configuration.data as NSString).appendingPathComponent("log"))
    }
}
