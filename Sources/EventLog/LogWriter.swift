import Dispatch
import Glibc

/// The writer thread's private state: the open segment and the reusable write
/// buffer. Only the writer thread touches it, so it needs no lock; what others
/// must see is copied into `LogState` through `BatchOutcome`.
struct LogWriter: Sendable {
    /// A batch stops growing past this many bytes (a lone larger request still goes
    /// alone). It bounds the write buffer, and with it the torn tail recovery scans.
    static let maxBatchBytes = 4 << 20

    let directory: String
    let options: FileLogOptions
    private var active: SegmentInfo
    private var fd: Int32
    private let lockFd: Int32
    private var buffer: [UInt8] = []
    private var bufferRecords = 0
    /// Sampling position for the shared sparse index; entries move out with each batch.
    private var index: SparseIndex
    /// `index` as it was before the records now in `buffer`, restored if they fail.
    private var indexBeforeChunk: SparseIndex
    /// Set when bytes from a failed write may remain past `active.fileSize` because
    /// truncating them failed too; the next write trims first, or a later
    /// shorter record could leave stale frames behind it.
    private var needsTrim = false
    /// The active segment file's real size: past `active.fileSize` when it was prepared
    /// zero-filled (see `SegmentPreparer`), equal to it otherwise.
    private var allocatedSize: Int
    /// Set when a roll failed: its file may exist under the next segment's name, so no
    /// record may go into the old segment before a roll succeeds (it would overlap).
    private var mustRoll = false
    private let preparer: SegmentPreparer?
    /// A segment that was not prepared (a new log's first, or one cut at open) is left for
    /// a prepared one once it holds this much; a log that never gets busy keeps its segment.
    static let earlyRollBytes = 1 << 20

    init(directory: String, options: FileLogOptions, recovered: RecoveredLog, recycler: CacheRecycler) {
        self.directory = directory
        self.options = options
        self.active = recovered.segments[recovered.segments.count - 1]
        self.fd = recovered.activeFd
        self.lockFd = recovered.lockFd
        self.index = recovered.index.continuation()
        self.indexBeforeChunk = index
        self.allocatedSize = max(recovered.activeFileSize, active.fileSize)
        self.preparer = options.preallocate && options.sync != .none
            ? SegmentPreparer(directory: directory, size: options.segmentSize, sync: options.sync, recycler: recycler) : nil
        if preparer != nil {
            // Recovery has just read every segment, so the newest sealed ones are cached too.
            for segment in recovered.segments.dropLast().suffix(CacheRecycler.capacity) {
                recycler.sealed(path: SegmentFile.path(directory, segment.fileName), end: segment.end)
            }
        }
    }

    mutating func run(_ core: LogCore) {
        core.registerWriterThread()
        var work: [PendingAppend] = []
        while core.nextWork(into: &work) {
            var start = work.startIndex
            while start < work.endIndex {
                let end = batchEnd(work, from: start)
                options.beforeBatch?()
                let outcome = commit(work[start..<end])
                core.publish(outcome)
                for (request, result) in zip(work[start..<end], outcome.results) {
                    request.completion(result)
                }
                start = end
            }
            work.removeAll(keepingCapacity: true)
            prepareAhead()
        }
        preparer?.finish()
        // A failed batch whose cut-back failed too must not outlive the writer: the next open
        // would read its records (each answered with an error) as appended ones.
        if needsTrim {
            try? FileIO.truncate(fd, to: active.fileSize)
            try? FileIO.sync(fd, options.sync)
        }
        FileIO.close(fd)
        // Releasing the lock last means a new opener never sees a writer still active.
        FileIO.close(lockFd)
    }

    /// Whole requests up to the record and byte limits, and always at least one.
    private func batchEnd(_ work: [PendingAppend], from start: Int) -> Int {
        var records = work[start].payloads.count
        var bytes = work[start].bytes
        var end = start + 1
        while end < work.endIndex {
            records += work[end].payloads.count
            bytes += work[end].bytes + work[end].payloads.count * RecordFrame.headerSize
            if records > options.maxBatchRecords || bytes > Self.maxBatchBytes { break }
            end += 1
        }
        return end
    }

    /// Writes and syncs one batch. Requests whose records all became durable
    /// succeed; the rest fail with the error, and their bytes are cut off again.
    private mutating func commit(_ batch: ArraySlice<PendingAppend>) -> BatchOutcome {
        var outcome = BatchOutcome()
        outcome.touch(active)
        for request in batch {
            outcome.recordsDequeued += request.payloads.count
            outcome.bytesDequeued += request.bytes
        }
        var offsets: [[UInt64]] = []
        offsets.reserveCapacity(batch.count)
        var durableRequests = 0
        var failure: LogError?
        buffer.removeAll(keepingCapacity: true)
        bufferRecords = 0
        indexBeforeChunk = index

        if mustRoll || rollsEarly, let error = roll(&outcome) {
            outcome.error = error
            outcome.results = batch.map { _ in .failure(error) }
            return outcome
        }
        requests: for (number, request) in batch.enumerated() {
            // A request's records are acknowledged together, so they go into one segment: the
            // roll comes before the request, not between its records, or a roll that failed
            // would leave its first records durable while the request is refused. (A request
            // larger than a whole segment has to span two; the check per record below does it.)
            let framed = request.bytes + request.payloads.count * RecordFrame.headerSize
            let start = active.fileSize + buffer.count
            if start > SegmentHeader.size && start + framed > options.segmentSize
                && framed <= options.segmentSize - SegmentHeader.size {
                if let error = flush(&outcome) { failure = error; break requests }
                durableRequests = number
                if let error = roll(&outcome) { failure = error; break requests }
            }
            var requestOffsets: [UInt64] = []
            requestOffsets.reserveCapacity(request.payloads.count)
            for payload in request.payloads {
                let position = active.fileSize + buffer.count
                if position > SegmentHeader.size && position + RecordFrame.headerSize + payload.count > options.segmentSize {
                    // The sealed segment is synced before the next one exists, so
                    // only the last segment can ever hold a torn tail.
                    if let error = flush(&outcome) { failure = error; break requests }
                    durableRequests = number
                    if let error = roll(&outcome) { failure = error; break requests }
                }
                let offset = active.offset(atPosition: active.fileSize + buffer.count)
                index.note(offset)
                RecordFrame.append(payload, offset: offset, to: &buffer)
                bufferRecords += 1
                requestOffsets.append(offset)
            }
            offsets.append(requestOffsets)
        }
        if failure == nil {
            failure = flush(&outcome)
            if failure == nil { durableRequests = batch.count }
        }
        if let failure {
            outcome.error = failure
            outcome.results = (0..<batch.count).map { $0 < durableRequests ? .success(offsets[$0]) : .failure(failure) }
        } else {
            outcome.results = offsets.map { .success($0) }
        }
        return outcome
    }

    /// Writes the buffer at the end of the active segment with one pwrite and
    /// makes it durable with one sync. On failure the file is cut back to its
    /// size before the write, so no partial record stays to be found later.
    private mutating func flush(_ outcome: inout BatchOutcome) -> LogError? {
        guard !buffer.isEmpty else { return nil }
        let before = active.fileSize
        defer {
            buffer.removeAll(keepingCapacity: true)
            bufferRecords = 0
        }
        do throws(LogError) {
            if needsTrim {
                try FileIO.truncate(fd, to: before)
                allocatedSize = before
                needsTrim = false
            }
            try write(at: before)
            let started = DispatchTime.now().uptimeNanoseconds
            if let code = options.injectFault?("sync") { throw LogError.io(operation: "fdatasync", errno: code) }
            try FileIO.sync(fd, options.sync)
            if options.sync != .none {
                let micros = (DispatchTime.now().uptimeNanoseconds - started) / 1000
                outcome.syncMicros.append(UInt32(clamping: micros))
            }
        } catch {
            do throws(LogError) {
                if let code = options.injectFault?("truncate") { throw LogError.io(operation: "ftruncate", errno: code) }
                try FileIO.truncate(fd, to: before)
                allocatedSize = before
                try FileIO.sync(fd, options.sync)
            } catch {
                needsTrim = true
            }
            index = indexBeforeChunk
            return error
        }
        active.fileSize += buffer.count
        allocatedSize = max(allocatedSize, active.fileSize)
        outcome.touch(active)
        outcome.recordsDurable += bufferRecords
        outcome.indexEntries.append(contentsOf: index.takeEntries())
        indexBeforeChunk = index
        return nil
    }

    private func write(at position: Int) throws(LogError) {
        try buffer.withBytes { (bytes) throws(LogError) in
            if let code = options.injectFault?("write") {
                // Simulate a disk that fills up part-way through the batch.
                try FileIO.writeFully(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count / 2)]), at: position)
                throw LogError.io(operation: "write", errno: code)
            }
            try FileIO.writeFully(fd, bytes, at: position)
        }
    }

    /// True when the active segment was not prepared, already holds enough to be worth
    /// leaving, and a prepared file is waiting.
    private var rollsEarly: Bool {
        !activeIsPrepared && active.fileSize - SegmentHeader.size >= Self.earlyRollBytes && preparer?.isReady == true
    }

    /// Whether the active segment file extends past its last record (zeros prepared for appends).
    private var activeIsPrepared: Bool { allocatedSize > active.fileSize }

    /// Asks for the next segment's file once the active one is half full, or at once when
    /// the active one was not prepared and is getting busy.
    private func prepareAhead() {
        guard let preparer else { return }
        let used = active.fileSize - SegmentHeader.size
        if used >= options.segmentSize / 2 || (!activeIsPrepared && used >= Self.earlyRollBytes) {
            preparer.request()
        }
    }

    /// Starts the next segment where the active one ends, in the prepared file if one is
    /// ready. The old segment is cut to its last record first: only the last segment may
    /// end in preallocated zeros.
    private mutating func roll(_ outcome: inout BatchOutcome) -> LogError? {
        let base = active.end
        mustRoll = true
        do throws(LogError) {
            if let code = options.injectFault?("roll") { throw LogError.io(operation: "roll", errno: code) }
            // Also when a failed write's bytes may remain (`needsTrim`): a roll starts a batch
            // with nothing to flush, so `flush` never got to trim them, and a sealed segment
            // must end at its last record. Marked done only once synced, so a retry syncs again.
            if activeIsPrepared || needsTrim {
                try FileIO.truncate(fd, to: active.fileSize)
                try FileIO.sync(fd, options.sync)
                allocatedSize = active.fileSize
                needsTrim = false
            }
            let newFd: Int32
            let newSize: Int
            if let preparer, let prepared = preparer.take() {
                newFd = try SegmentFile.adopt(prepared, preparedAt: preparer.path, directory: directory,
                                              base: base, sync: options.sync)
                newSize = preparer.size
            } else {
                newFd = try SegmentFile.create(directory: directory, base: base, sync: options.sync)
                newSize = SegmentHeader.size
            }
            preparer?.recycler.sealed(path: SegmentFile.path(directory, active.fileName), end: base)
            FileIO.close(fd)
            fd = newFd
            mustRoll = false
            active = SegmentInfo(base: base, fileSize: SegmentHeader.size)
            allocatedSize = newSize
            outcome.touch(active)
            return nil
        } catch {
            return error
        }
    }
}
