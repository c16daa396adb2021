import EventLog
import Foundation
import Glibc
import Synchronization

/// Keeps the disk bounded: every so often, finds the oldest sealed segments past the
/// configured age, stops before the first one that unfinished work still needs, and then,
/// in this order, (1) appends a `retained` mark, whose fold forgets what lived only there
/// and the ids older than the dedupe window, (2) writes a snapshot, from then on the only
/// copy of what was forgotten, (3) removes or archives the segments. A crash between steps
/// leaves extra segments for the next sweep, never a hole.
final class RetentionSweeper: Sendable {
    struct Outcome: Equatable {
        var removed: [String] = []
        var mark: RetentionMark?
    }

    private let settings: GatewayConfiguration.RetentionSettings
    private let store: EventStore
    private let snapshots: SnapshotScheduler
    private let logger: Logger
    private let task = Mutex<PeriodicTask?>(nil)
    /// One sweep at a time (the thread, or a test calling `sweep` directly).
    private let sweeping = Mutex(())

    init(settings: GatewayConfiguration.RetentionSettings, store: EventStore, snapshots: SnapshotScheduler, logger: Logger) {
        self.settings = settings
        self.store = store
        self.snapshots = snapshots
        self.logger = logger
    }

    var isEnabled: Bool { settings.maxAgeSeconds > 0 || settings.dedupeWindowSeconds > 0 }

    /// Segments are archived by renaming them, which works only within one filesystem: an
    /// archive folder elsewhere would fail at the first sweep, with the segments already
    /// dropped from the log's view. Checked at start instead.
    static func checkArchive(_ archive: String?, logDirectory: String) throws {
        guard let archive else { return }
        do {
            try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigurationError("retention.archive: cannot create \(archive): \(error.localizedDescription)")
        }
        var archiveInfo = stat(), logInfo = stat()
        guard stat(archive, &archiveInfo) == 0, stat(logDirectory, &logInfo) == 0 else {
            throw ConfigurationError("retention.archive: cannot stat \(archive) or \(logDirectory)")
        }
        guard archiveInfo.st_dev == logInfo.st_dev else {
            throw ConfigurationError("retention.archive \(archive) is on another filesystem than the log (\(logDirectory)); "
                                     + "segments are archived by renaming, so it must be on the same one")
        }
    }

    func start() {
        guard isEnabled else { return }
        let periodic = PeriodicTask(name: "retention", every: max(0.05, settings.checkEverySeconds)) { [self] in
            do { try sweep() } catch { logger.warning("retention sweep failed; will try again", [("reason", "\(error)")]) }
        }
        task.withLock { $0 = periodic }
        periodic.start()
    }

    func stop() { task.withLock { $0 }?.stop() }

    /// Runs `body` while no sweep is under way. An operator's verb that checks the fold and
    /// then appends (a re-drive, a remap, a redelivery) so gets its record into the log before
    /// any mark a sweep appends: folded first, it reopens the work, and the sweep sees it and
    /// keeps its segments. Without it a mark could forget the delivery or job in between, and
    /// the fold would then drop the record of a verb already answered as done.
    func holdingSweeps<R: Sendable>(_ body: () throws -> R) throws -> R {
        try sweeping.withLock { _ throws(any Error) -> R in try body() }
    }

    func holdingSweeps<R: Sendable>(_ body: () -> R) -> R {
        sweeping.withLock { _ in body() }
    }

    /// One sweep, now. `now` is unix seconds (tests pass a later one instead of waiting).
    @discardableResult
    func sweep(now: Int64 = Clock.unixSeconds()) throws -> Outcome {
        try sweeping.withLock { _ in try sweepOnce(now: now) }
    }

    private func sweepOnce(now: Int64) throws -> Outcome {
        let log = store.log
        let sealed = log.sealedSegments()
        let (needed, floor, dedupeFloor, subscribers) = store.read { s in
            (s.oldestNeededOffset, s.retentionFloor, s.dedupeFloor, s.deliveries.subscribers)
        }
        // The longest run of old segments from the front, cut before the one unfinished work needs.
        var before = max(floor, log.firstOffset)
        if settings.maxAgeSeconds > 0 {
            for segment in sealed {
                guard segment.modifiedAt <= now - settings.maxAgeSeconds, segment.end <= (needed ?? .max) else { break }
                before = max(before, segment.end)
            }
        }
        var forgetIDsBefore = dedupeFloor
        if settings.dedupeWindowSeconds > 0 {
            // From the front, and no further than the first segment still inside the window: one
            // segment whose time looks old (a clock set right later) must not take the ids of
            // younger ones before it.
            for segment in sealed {
                guard segment.modifiedAt <= now - settings.dedupeWindowSeconds else { break }
                forgetIDsBefore = max(forgetIDsBefore, segment.end)
            }
        }
        guard before > floor || forgetIDsBefore > dedupeFloor else { return Outcome() }

        let mark = RetentionMark(before: before, dedupeFloor: forgetIDsBefore, at: now * 1000, subscribers: subscribers)
        try store.appendAndWait([.retained(mark)])
        var outcome = Outcome(mark: mark)
        guard before > log.firstOffset else { return outcome }
        // Work may have been sent back before the mark was folded (a re-drive): look again.
        if let stillNeeded = store.read({ $0.oldestNeededOffset }), stillNeeded < before {
            logger.warning("retention: work reopened before the mark; segments kept", [("needed_from", "\(stillNeeded)")])
            return outcome
        }
        guard snapshots.writeNow() else {
            logger.warning("retention: no snapshot could be written; segments kept")
            return outcome
        }
        if let archive = settings.archive { try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true) }
        outcome.removed = try log.removeSegments(endingAtOrBefore: before, archive: settings.archive)
        logger.info(settings.archive == nil ? "retention removed segments" : "retention archived segments",
                    [("segments", "\(outcome.removed.count)"), ("log_starts_at", "\(log.firstOffset)"),
                     ("ids_forgotten_before", "\(forgetIDsBefore)")])
        return outcome
    }

    /// What a dedupe window of `windowSeconds` leaves open, per source, for the operator's log:
    /// a copy signed with a timestamp is refused only once it is older than the tolerance, and
    /// an event received at the edge of the tolerance (a clock ahead) is remembered for the
    /// window from then; so a window under twice the tolerance forgets ids a replay can still
    /// use. A scheme without a signed timestamp is open to replay once the window has passed.
    static func replayWarnings(windowSeconds: Int64, sources: [Source]) -> [String] {
        guard windowSeconds > 0 else { return [] }
        return sources.sorted { $0.name < $1.name }.compactMap { source in
            let verifier = source.verifier
            if !verifier.scheme.signsTimestamp {
                return "source \(source.name): its scheme (\(verifier.scheme.name)) signs no timestamp, so a captured delivery "
                    + "is accepted again once the dedupe window (\(windowSeconds) s) has forgotten its id"
            }
            guard windowSeconds < 2 * verifier.tolerance else { return nil }
            return "source \(source.name): the dedupe window (\(windowSeconds) s) is shorter than twice its signature tolerance "
                + "(\(verifier.tolerance) s), so a delivery replayed inside the tolerance can be accepted again; "
                + "set retention.dedupe_window_seconds to at least \(2 * verifier.tolerance)"
        }
    }
}
