/// Everything `LogRecovery` hands to a newly opened log.
struct RecoveredLog: Sendable {
    let report: RecoveryReport
    let segments: [SegmentInfo]
    let index: SparseIndex
    /// The last segment, open for appending.
    let activeFd: Int32
    /// Held for as long as the log is open.
    let lockFd: Int32
}
