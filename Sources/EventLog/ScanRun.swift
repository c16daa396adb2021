/// A stretch of consecutive valid records found by `SegmentScanner.run`.
struct ScanRun: Sendable {
    /// File position just past the last valid record (where the damage is, if any).
    var end: Int
    var records: Int
    /// Why the run stopped early; nil when it reached its limit.
    var problem: String?
}
