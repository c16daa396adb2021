/// Everything `LogRecovery` hands to a newly opened log.
struct RecoveredLog: Sendable {
    let report: RecoveryReport
    let segments: [SegmentInfo]
    let index: SparseIndex
    /// The last segment, open for appending.
    let activeFd: Int32
    /// The last segment file's size on disk: past its last record when it ends in
    /// preallocated zeros.
    let activeFileSize: Int
    /// Held for as long as the log is open.
    let lockFd: Int32
    /// The segments as recovery mapped and read them, by base offset: the fold right after
    /// open reads these pages in place instead of copying them again.
    let mappings: [UInt64: SegmentMapping]
}
