/// Walks the records of a segment held in memory. Shared by recovery, the
/// verifier and offline truncation so all three agree on what "valid" means.
enum SegmentScanner {
    /// Follows valid frames from `start` until the first bad one, or until a
    /// record ends at or beyond `limit` (the end of `bytes` by default).
    static func run(_ bytes: UnsafeRawBufferPointer, base: UInt64, from start: Int, limit: Int? = nil,
                    index: inout SparseIndex) -> ScanRun {
        let stop = limit ?? bytes.count
        var position = start
        var records = 0
        while position < stop {
            let offset = base + UInt64(position - SegmentHeader.size)
            guard let length = RecordFrame.validLength(in: bytes, at: position, offset: offset,
                                                       limit: RecordFrame.maxPayload) else {
                return ScanRun(end: position, records: records, problem: RecordFrame.diagnose(in: bytes, at: position))
            }
            index.note(offset)
            records += 1
            position += RecordFrame.headerSize + length
        }
        return ScanRun(end: position, records: records, problem: nil)
    }

    /// The first position after `damage` where a plausible, CRC-valid record starts,
    /// or nil if there is none: the test that separates a torn tail (nothing valid
    /// follows) from damage in the middle of the log.
    ///
    /// Lengths above `maxRecordSize` or past the end are rejected before any CRC
    /// work. Garbage rarely passes that; text never does (four ASCII bytes read as
    /// a length exceed 500 MB), and zeroes cost a 12-byte CRC per position. A torn
    /// tail is at most one batch, so the scan stays short when nothing follows,
    /// and ends at the next real record when something does.
    static func resync(_ bytes: UnsafeRawBufferPointer, base: UInt64, after damage: Int,
                       maxRecordSize: Int) -> Int? {
        var position = damage + 1
        while position + RecordFrame.headerSize <= bytes.count {
            let offset = base + UInt64(position - SegmentHeader.size)
            if RecordFrame.validLength(in: bytes, at: position, offset: offset, limit: maxRecordSize) != nil {
                return position
            }
            position += 1
        }
        return nil
    }

    /// True when every byte from `position` to the end is zero: space a prepared segment
    /// still holds for appends. Only the last segment may end this way.
    static func isZeroFilled(_ bytes: UnsafeRawBufferPointer, from position: Int) -> Bool {
        var at = position
        // A word at a time: the tail can be most of a 64 MiB segment, read once per start.
        while at + 8 <= bytes.count {
            if bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self) != 0 { return false }
            at += 8
        }
        while at < bytes.count {
            if bytes[at] != 0 { return false }
            at += 1
        }
        return true
    }
}
