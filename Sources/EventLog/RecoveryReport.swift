/// What `FileLog.open` found and repaired.
public struct RecoveryReport: Sendable, Equatable {
    public let segments: Int
    public let records: Int
    /// Bytes on disk after recovery, headers included.
    public let bytes: UInt64
    /// Bytes cut from a torn tail of the last segment; 0 when it was clean.
    public let truncatedBytes: Int
    /// Offset where the log was cut, if it was.
    public let truncatedAt: UInt64?
    /// Why it was cut.
    public let reason: String?
    /// Half-created segment files (`*.log.tmp`) that were deleted.
    public let removedFiles: [String]

    public var summary: String {
        var line = "event log recovered: \(segments) segment(s), \(records) record(s), \(bytes) bytes"
        if let at = truncatedAt {
            line += "; truncated \(truncatedBytes) bytes of torn tail at offset \(at)"
            if let reason { line += " (\(reason))" }
        }
        if !removedFiles.isEmpty {
            line += "; removed \(removedFiles.count) unfinished segment file(s)"
        }
        return line
    }
}
