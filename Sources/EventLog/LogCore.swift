import Dispatch
import Glibc
import Synchronization

/// The part of a `FileLog` the writer thread shares with callers. It is separate
/// from `FileLog` so the writer can hold it without keeping the public object
/// alive: dropping the last `FileLog` reference closes the log.
final class LogCore: Sendable {
    let directory: String
    let options: FileLogOptions
    let state: Mutex<LogState>
    /// Wakes the writer when work arrives or the log closes.
    let wakeup = DispatchSemaphore(value: 0)
    /// The writer thread until some `close()` has joined it; holding this lock
    /// while joining makes concurrent closers wait for the same exit.
    let joinable = Mutex<pthread_t?>(nil)

    /// Sealed segments whose cached pages the writer's preparations may reuse.
    let recycler = CacheRecycler()
    /// Recovery's mappings of the segments, by base offset, until the start's fold is done.
    private let recoveryMappings: Mutex<[UInt64: SegmentMapping]>

    init(directory: String, options: FileLogOptions, segments: [SegmentInfo], index: SparseIndex,
         mappings: [UInt64: SegmentMapping] = [:]) {
        self.directory = directory
        self.options = options
        self.state = Mutex(LogState(segments: segments, index: index))
        recoveryMappings = Mutex(mappings)
    }

    func releaseRecoveryMappings() {
        recoveryMappings.withLock { $0 = [:] }
    }

    // MARK: appenders

    func enqueue(_ payloads: [[UInt8]], completion: @escaping @Sendable (Result<[UInt64], LogError>) -> Void) {
        var bytes = 0
        for payload in payloads {
            guard payload.count <= options.maxRecordSize else {
                completion(.failure(.recordTooLarge(payload.count)))
                return
            }
            guard !payload.isEmpty else {
                completion(.failure(.emptyRecord))
                return
            }
            bytes += payload.count
        }
        if payloads.isEmpty {
            completion(.success([]))
            return
        }
        let request = PendingAppend(payloads: payloads, bytes: bytes, completion: completion)
        let (refusal, wake): (LogError?, Bool) = state.withLock { state in
            if state.closing { return (.closed, false) }
            guard state.queuedRecords + payloads.count <= options.queueCapacity,
                  state.queuedBytes + bytes <= options.queueByteCapacity else { return (.overloaded, false) }
            state.queue.append(request)
            state.queuedRecords += payloads.count
            state.queuedBytes += bytes
            defer { state.writerSleeping = false }
            return (nil, state.writerSleeping)
        }
        if let refusal {
            completion(.failure(refusal))
        } else if wake {
            wakeup.signal()
        }
    }

    // MARK: the writer thread

    func adoptWriter(_ thread: pthread_t) {
        joinable.withLock { $0 = thread }
    }

    func registerWriterThread() {
        state.withLock { $0.writerThread = pthread_self() }
    }

    var isWriterThread: Bool {
        state.withLock { state in
            state.writerThread.map { pthread_equal($0, pthread_self()) != 0 } ?? false
        }
    }

    /// Swaps everything queued into `work` (whose storage is reused), waiting if
    /// there is nothing. Returns false once the log is closing and drained.
    func nextWork(into work: inout [PendingAppend]) -> Bool {
        while true {
            let hasWork: Bool? = state.withLock { state in
                if !state.queue.isEmpty {
                    swap(&state.queue, &work)
                    return true
                }
                if state.closing { return false }
                state.writerSleeping = true
                return nil
            }
            if let hasWork { return hasWork }
            wakeup.wait()
        }
    }

    func publish(_ outcome: BatchOutcome) {
        state.withLock { $0.absorb(outcome) }
    }

    // MARK: readers

    func read(from offset: UInt64, _ visit: (LogRecord) throws -> Bool) throws {
        try readBorrowed(from: offset, verify: true) { try visit(LogRecord(offset: $0, payload: Array($1))) }
    }

    func readBorrowed(from offset: UInt64, verify: Bool, _ visit: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws {
        let plan = state.withLock { $0.plan(from: offset) }
        // Only a pass right behind recovery's check reads its mappings: those pages were just
        // read, and the records in them were just verified.
        let mappings = verify ? [:] : recoveryMappings.withLock { $0 }
        var reader = SegmentReader(directory: directory)
        var start = plan.start
        for segment in plan.segments {
            guard try reader.visitBorrowed(segment, startingAt: start, from: offset, verify: verify,
                                           mapped: mappings[segment.base]?.bytes, visit) else { return }
            start = segment.end
        }
    }

    func readRecords(at offsets: [UInt64], _ visit: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        guard !offsets.isEmpty else { return }
        let segments = state.withLock { $0.segments }
        var reader = SegmentReader(directory: directory)
        var rest = offsets[...]
        while let first = rest.first {
            guard let segment = segments.last(where: { $0.base <= first }), first < segment.end else {
                throw LogError.corrupt(CorruptionReport(segment: segments.last?.fileName ?? "-", offset: first, position: -1,
                                                        reason: "no durable record at this offset"))
            }
            // Only ascending offsets belong to this segment's run: one below its base would
            // underflow the position arithmetic (a trap) instead of being refused.
            let inSegment = rest.prefix { $0 >= segment.base && $0 < segment.end }
            if let next = rest.dropFirst(inSegment.count).first, next < segment.end {
                throw LogError.corrupt(CorruptionReport(segment: segment.fileName, offset: next, position: -1,
                                                        reason: "record offsets to read are not in ascending order"))
            }
            try reader.visitRecords(segment, at: inSegment, visit)
            rest = rest.dropFirst(inSegment.count)
        }
    }

    /// Sealed segments with their modification times, oldest first (the active one is left out).
    func sealedSegments() -> [SealedSegment] {
        let sealed = state.withLock { Array($0.segments.dropLast()) }
        return sealed.map { segment in
            var info = stat()
            // A segment whose time cannot be read counts as new: as old, it would let retention
            // forget it (and, for the dedupe window, every id before it) too early.
            let modified = stat(SegmentFile.path(directory, segment.fileName), &info) == 0 ? Int64(info.st_mtim.tv_sec) : Int64.max
            return SealedSegment(name: segment.fileName, base: segment.base, end: segment.end, modifiedAt: modified)
        }
    }

    /// Removes (or moves into `archive`) the sealed segments that end at or before `offset`.
    /// They leave the shared state first, so no new reader plans a read of them.
    func removeSegments(endingAtOrBefore offset: UInt64, archive: String?) throws(LogError) -> [String] {
        let doomed: [SegmentInfo] = state.withLock { s in
            let gone = Array(s.segments.dropLast().prefix { $0.end <= offset })
            if !gone.isEmpty {
                s.segments.removeFirst(gone.count)
                s.index.drop(below: s.segments[0].base)
            }
            return gone
        }
        // Oldest first, each removal synced before the next: a directory's blocks may reach the
        // disk in any order, and a crash that kept a later removal but not an earlier one would
        // leave a gap at the front of the log, which open refuses.
        for segment in doomed {
            let path = SegmentFile.path(directory, segment.fileName)
            if let archive {
                try FileIO.rename(path, to: archive + "/" + segment.fileName)
                if options.sync != .none { try FileIO.syncDirectory(archive) }
            } else {
                try FileIO.remove(path)
            }
            if options.sync != .none { try FileIO.syncDirectory(directory) }
        }
        return doomed.map(\.fileName)
    }

    var firstOffset: UInt64 {
        state.withLock { $0.segments.first?.base ?? 0 }
    }

    var durableEnd: UInt64 {
        state.withLock { $0.durableEnd }
    }

    func stats() -> LogStats {
        // Copy under the lock (arrays are copy-on-write, so this is cheap) and do
        // the sorting and summing outside it, where appenders are not waiting.
        // The queue itself is left alone: holding a copy would make the next
        // append duplicate it.
        let (segments, latency, appended, batches, depth, queuedBytes, lastError, failing) = state.withLock {
            ($0.segments, $0.syncLatency, $0.recordsAppended, $0.batches, $0.queuedRecords, $0.queuedBytes, $0.lastError, $0.failing)
        }
        return LogStats(
            segments: segments.count,
            bytes: segments.reduce(0) { $0 + UInt64($1.fileSize) },
            durableEnd: segments.last?.end ?? 0,
            recordsAppended: appended,
            batches: batches,
            queueDepth: depth,
            queuedBytes: queuedBytes,
            queueByteCapacity: options.queueByteCapacity,
            failing: failing,
            fsyncP50Micros: latency.percentile(0.50),
            fsyncP99Micros: latency.percentile(0.99),
            fsyncMaxMicros: Int(latency.maximum),
            fsyncsOver20ms: latency.over20ms,
            averageGroupSize: batches == 0 ? 0 : Double(appended) / Double(batches),
            segmentsRecycled: recycler.recycled,
            lastError: lastError
        )
    }

    // MARK: shutdown

    func close() {
        let wake = state.withLock { state in
            state.closing = true
            defer { state.writerSleeping = false }
            return state.writerSleeping
        }
        if wake { wakeup.signal() }
        // A completion that closes the log cannot wait for its own thread to exit;
        // the writer drains the queue and stops after the current batch anyway.
        // Detach it so nobody has to join it, unless a closer is joining already.
        if isWriterThread {
            _ = joinable.withLockIfAvailable { thread in
                if let running = thread { pthread_detach(running) }
                thread = nil
            }
            return
        }
        joinable.withLock { thread in
            guard let running = thread else { return }
            pthread_join(running, nil)
            thread = nil
        }
    }
}
