import Glibc

/// Opening a log directory: verify every segment, cut a torn tail, refuse anything else.
///
/// The rule that matters: only the end of the last segment can hold bytes that
/// were written but never acknowledged, because every earlier byte was synced
/// before anything after it was written. Damage there is a torn write and is cut.
/// Damage anywhere else, or damage followed by a valid record, means acknowledged
/// data may be lost; cutting it would destroy data, so recovery stops and reports.
enum LogRecovery {
    static func open(directory: String, options: FileLogOptions) throws(LogError) -> RecoveredLog {
        try FileIO.makeDirectory(directory)
        let lockFd = try DirectoryLock.acquire(directory)
        do {
            return try recover(directory: directory, options: options, lockFd: lockFd)
        } catch {
            FileIO.close(lockFd)
            throw error
        }
    }

    private static func recover(directory: String, options: FileLogOptions, lockFd: Int32) throws(LogError) -> RecoveredLog {
        let listing = try SegmentListing.scan(directory)
        for name in listing.temporaries {
            try FileIO.remove(SegmentFile.path(directory, name))
        }
        if !listing.temporaries.isEmpty && options.sync != .none {
            try FileIO.syncDirectory(directory)
        }

        var index = SparseIndex()
        var segments: [SegmentInfo] = []
        var mappings: [UInt64: SegmentMapping] = [:]
        var records = 0
        var cut: (bytes: Int, offset: UInt64, reason: String)?
        // The last segment's size on disk; zeros past its last record are space prepared for
        // appends (see SegmentPreparer), not a torn tail.
        var allocated = SegmentHeader.size

        for (number, entry) in listing.segments.enumerated() {
            let isLast = number == listing.segments.count - 1
            let path = SegmentFile.path(directory, entry.name)
            let fd = try FileIO.open(path, flags: O_RDONLY)
            let size: Int
            do { size = try FileIO.size(fd) } catch { FileIO.close(fd); throw error }
            FileIO.close(fd)
            let mapping = try SegmentMapping(path: path, length: size)
            mappings[entry.base] = mapping
            try { () throws(LogError) in
                let raw = mapping.bytes
                func corrupt(_ position: Int, _ offset: UInt64, _ reason: String) -> LogError {
                    .corrupt(CorruptionReport(segment: entry.name, offset: offset, position: position, reason: reason))
                }
                switch SegmentHeader.decode(raw) {
                case .failure(let problem):
                    throw corrupt(0, entry.base, problem.reason)
                case .success(let header) where header.base != entry.base:
                    throw corrupt(0, entry.base, "header says base offset \(header.base) but the file name says \(entry.base)")
                case .success:
                    break
                }
                if let previous = segments.last, previous.end != entry.base {
                    throw corrupt(0, entry.base,
                                  "segment starts at offset \(entry.base) but the previous one ends at \(previous.end) (missing or overlapping segment)")
                }
                let run = SegmentScanner.run(raw, base: entry.base, from: SegmentHeader.size, index: &index)
                records += run.records
                let segment = SegmentInfo(base: entry.base, fileSize: run.end)
                if isLast { allocated = raw.count }
                if let problem = run.problem, !(isLast && SegmentScanner.isZeroFilled(raw, from: run.end)) {
                    let offset = segment.offset(atPosition: run.end)
                    guard isLast else {
                        throw corrupt(run.end, offset, problem + " in a sealed segment")
                    }
                    if let next = SegmentScanner.resync(raw, base: entry.base, after: run.end,
                                                        maxRecordSize: options.maxRecordSize) {
                        throw corrupt(run.end, offset,
                                      problem + "; a valid record follows at offset \(segment.offset(atPosition: next))")
                    }
                    cut = (raw.count - run.end, offset, problem)
                }
                segments.append(segment)
            }()
        }

        if let cut {
            // The torn tail holds only unacknowledged bytes, so cutting it loses nothing promised.
            try LogTruncation.truncate(at: cut.offset, directory: directory, bases: segments.map(\.base), sync: options.sync)
            allocated = segments[segments.count - 1].fileSize
        }

        let activeFd: Int32
        if let last = segments.last {
            activeFd = try FileIO.open(SegmentFile.path(directory, last.fileName), flags: O_RDWR)
        } else {
            activeFd = try SegmentFile.create(directory: directory, base: 0, sync: options.sync)
            segments = [SegmentInfo(base: 0, fileSize: SegmentHeader.size)]
        }
        if options.sync != .none {
            // What was read above is trusted from here on: the fold acts on it, and a sender
            // retrying a webhook is told it is a duplicate. But a writer killed inside its sync
            // leaves its last batch in the page cache, valid to read and never synced, and one
            // killed between a segment's rename and the directory sync leaves a name that is
            // not on disk. Make both durable before anything relies on them.
            do throws(LogError) {
                if let code = options.injectFault?("open-sync") { throw LogError.io(operation: "fdatasync at open", errno: code) }
                try FileIO.sync(activeFd, options.sync)
                try FileIO.syncDirectory(directory)
            } catch {
                FileIO.close(activeFd)
                throw error
            }
        }

        let report = RecoveryReport(
            segments: segments.count,
            records: records,
            bytes: segments.reduce(0) { $0 + UInt64($1.fileSize) },
            truncatedBytes: cut?.bytes ?? 0,
            truncatedAt: cut?.offset,
            reason: cut?.reason,
            // A prepared next segment is left behind by every stop; it is not worth a mention.
            removedFiles: listing.temporaries.filter { $0 != SegmentPreparer.fileName }
        )
        return RecoveredLog(report: report, segments: segments, index: index, activeFd: activeFd,
                            activeFileSize: allocated, lockFd: lockFd, mappings: mappings)
    }
}
