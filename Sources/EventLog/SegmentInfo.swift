/// A segment as the log tracks it: where its offsets start and how many of its
/// bytes are durable. Readers never look past `fileSize`.
struct SegmentInfo: Sendable, Equatable {
    let base: UInt64
    var fileSize: Int

    var fileName: String { SegmentName.fileName(base: base) }

    /// Offset just past the segment's last record, which is the next segment's base.
    var end: UInt64 { base + UInt64(fileSize - SegmentHeader.size) }

    func offset(atPosition position: Int) -> UInt64 {
        base + UInt64(position - SegmentHeader.size)
    }

    func position(ofOffset offset: UInt64) -> Int {
        SegmentHeader.size + Int(offset - base)
    }
}
