import Glibc

/// The file-backed `LogStore`: segment files in one directory, one writer thread
/// doing group commit, recovery on open. See docs/log-format.md for the bytes.
public final class FileLog: LogStore {
    /// What open found and repaired; log `recovery.summary` for the operator.
    public let recovery: RecoveryReport
    private let core: LogCore
    /// Where the log ended when recovery had just checked every record before it.
    private let openedEnd: UInt64

    private init(core: LogCore, recovery: RecoveryReport) {
        self.core = core
        self.recovery = recovery
        openedEnd = core.durableEnd
    }

    /// Dropping the last reference flushes and closes, so a forgotten `close()`
    /// loses no accepted appends and leaks no thread.
    deinit {
        core.close()
    }

    /// Opens (creating if needed) the log in `directory`, running recovery first.
    /// Throws `.corrupt` for damage that recovery must not cut on its own.
    public static func open(directory: String, options: FileLogOptions = .init()) throws(LogError) -> FileLog {
        options.validate()
        let recovered = try LogRecovery.open(directory: directory, options: options)
        let core = LogCore(directory: directory, options: options, segments: recovered.segments, index: recovered.index,
                           mappings: recovered.mappings)
        let writer = LogWriter(directory: directory, options: options, recovered: recovered, recycler: core.recycler)
        do {
            let thread = try WriterThread.start {
                var owned = writer
                owned.run(core)
            }
            core.adoptWriter(thread)
        } catch {
            FileIO.close(recovered.activeFd)
            FileIO.close(recovered.lockFd)
            throw error
        }
        return FileLog(core: core, recovery: recovered.report)
    }

    /// Unmaps the segments recovery read at open (the fold after it reads them in place);
    /// call once that fold is done.
    public func releaseRecoveryMappings() {
        core.releaseRecoveryMappings()
    }

    /// Tells the log that the reader it keeps cached for (the operator's tail) has read every
    /// record before `offset`: sealed segments wholly before it may leave the page cache, their
    /// pages reused by the next prepared segment (`CacheRecycler`). Until this is called
    /// nothing is recycled; other readers of those segments read from the disk.
    public func readersPassed(_ offset: UInt64) {
        core.recycler.readersPassed(offset)
    }

    public func append(_ payloads: [[UInt8]], completion: @escaping @Sendable (Result<[UInt64], LogError>) -> Void) {
        core.enqueue(payloads, completion: completion)
    }

    public func appendAndWait(_ payloads: [[UInt8]]) throws(LogError) -> [UInt64] {
        precondition(!core.isWriterThread, "appendAndWait inside a completion would wait for its own thread")
        let waiter = AppendWaiter()
        core.enqueue(payloads) { waiter.complete($0) }
        return try waiter.wait().get()
    }

    public func read(from offset: UInt64, _ visit: (LogRecord) throws -> Bool) throws {
        try core.read(from: offset, visit)
    }

    /// As `read(from:)`, but each payload is lent for the call only (no copy): for folds
    /// that decode a record and keep none of its bytes. `verifiedAtOpen: true` skips the
    /// CRCs of records that recovery checked when this log was opened (a start's fold runs
    /// right behind it); records appended since are checked as usual.
    public func readBorrowed(from offset: UInt64, verifiedAtOpen: Bool = false,
                             _ visit: (_ offset: UInt64, _ payload: UnsafeRawBufferPointer) throws -> Bool) throws {
        let verifiedEnd = verifiedAtOpen ? openedEnd : 0
        if offset < verifiedEnd {
            var stopped = false
            try core.readBorrowed(from: offset, verify: false) { at, payload in
                guard at < verifiedEnd else { return false }
                if try !visit(at, payload) { stopped = true; return false }
                return true
            }
            if stopped { return }
        }
        try core.readBorrowed(from: max(offset, verifiedEnd), verify: true, visit)
    }

    /// Visits the records starting exactly at `offsets` (ascending), each payload lent for
    /// the call; throws `.corrupt` if one of them is not a valid record start. Reads only
    /// around those records: how a restart picks its work records out of a long log.
    public func readRecords(at offsets: [UInt64], _ visit: (_ offset: UInt64, _ payload: UnsafeRawBufferPointer) throws -> Void) throws {
        try core.readRecords(at: offsets, visit)
    }

    public var durableEnd: UInt64 { core.durableEnd }

    /// How many records may wait for the writer at once; an append of more is refused whole.
    public var queueCapacity: Int { core.options.queueCapacity }

    /// Sealed segments (every one but the active), oldest first, for retention.
    public func sealedSegments() -> [SealedSegment] { core.sealedSegments() }

    /// Removes the sealed segments that end at or before `offset` (or moves them into
    /// `archive`, a folder on the same filesystem), oldest first; the active segment is never
    /// touched. Returns the file names. Readers that already planned a read of one of them
    /// get an error rather than wrong data.
    public func removeSegments(endingAtOrBefore offset: UInt64, archive: String? = nil) throws(LogError) -> [String] {
        try core.removeSegments(endingAtOrBefore: offset, archive: archive)
    }

    /// Offset of the first record still in the log (above 0 once retention removed segments).
    public var firstOffset: UInt64 { core.firstOffset }

    public func stats() -> LogStats { core.stats() }

    public func close() { core.close() }

    /// Offline repair for the operator: drops every record at or after `offset`.
    /// `offset` must be a record boundary with only valid records before it in its
    /// segment, normally the offset of a `CorruptionReport`. Refuses while the log
    /// is open anywhere (the directory lock is held).
    public static func truncate(directory: String, at offset: UInt64, sync: SyncMode = .fdatasync) throws(LogError) {
        let lockFd = try DirectoryLock.acquire(directory)
        defer { FileIO.close(lockFd) }
        let listing = try SegmentListing.scan(directory)
        guard let containing = listing.segments.last(where: { $0.base <= offset }) else {
            throw LogError.io(operation: "truncate: offset \(offset) is before the first segment", errno: EINVAL)
        }
        let bytes = try FileIO.readFile(SegmentFile.path(directory, containing.name))
        try bytes.withBytes { (raw) throws(LogError) in
            func refuse(_ position: Int, _ reason: String) -> LogError {
                .corrupt(CorruptionReport(segment: containing.name, offset: containing.base + UInt64(max(position - SegmentHeader.size, 0)),
                                          position: position, reason: reason))
            }
            if case .failure(let problem) = SegmentHeader.decode(raw) { throw refuse(0, problem.reason) }
            // Checked before converting: an offset far past the segment would not fit an Int.
            guard offset - containing.base <= UInt64(raw.count - SegmentHeader.size) else {
                throw LogError.io(operation: "truncate: offset \(offset) is past the end of the log", errno: EINVAL)
            }
            let target = SegmentHeader.size + Int(offset - containing.base)
            guard target <= raw.count else {
                throw LogError.io(operation: "truncate: offset \(offset) is past the end of the log", errno: EINVAL)
            }
            var index = SparseIndex()
            let run = SegmentScanner.run(raw, base: containing.base, from: SegmentHeader.size, limit: target, index: &index)
            if let problem = run.problem, run.end < target {
                throw refuse(run.end, problem + "; damage precedes offset \(offset), truncate at or before the damage")
            }
            guard run.end == target else {
                throw LogError.io(operation: "truncate: offset \(offset) is not a record boundary", errno: EINVAL)
            }
        }
        try LogTruncation.truncate(at: offset, directory: directory, bases: listing.segments.map(\.base), sync: sync)
    }
}
