import Glibc

/// Cutting the log back to an offset: the repair recovery applies to a torn tail,
/// and the one an operator applies after reading a `CorruptionReport`.
enum LogTruncation {
    /// Removes every record at or after `offset` and returns the segments that
    /// remain. `bases` are the segment bases in order; `offset` must be a record
    /// boundary inside the log (the caller checks). The segment holding `offset`
    /// stays, even if that leaves it empty, so the log keeps a last segment to
    /// append to. Later segments go newest first, each removal synced before the
    /// next (a directory's changes may reach the disk in any order), so a crash
    /// part-way leaves a log that is still contiguous.
    @discardableResult
    static func truncate(at offset: UInt64, directory: String, bases: [UInt64], sync: SyncMode) throws(LogError) -> [SegmentInfo] {
        guard let keep = bases.lastIndex(where: { $0 <= offset }) else { return [] }
        let doomed = bases[(keep + 1)...]
        for base in doomed.reversed() {
            try FileIO.remove(SegmentFile.path(directory, SegmentName.fileName(base: base)))
            if sync != .none { try FileIO.syncDirectory(directory) }
        }
        var kept = SegmentInfo(base: bases[keep], fileSize: SegmentHeader.size)
        kept.fileSize = kept.position(ofOffset: offset)
        let fd = try FileIO.open(SegmentFile.path(directory, kept.fileName), flags: O_RDWR)
        defer { FileIO.close(fd) }
        try FileIO.truncate(fd, to: kept.fileSize)
        try FileIO.sync(fd, sync)
        return [kept]
    }
}
