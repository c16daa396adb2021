/// A segment that is no longer appended to, as retention sees it.
public struct SealedSegment: Sendable, Equatable {
    public let name: String
    public let base: UInt64
    /// Offset just past its last record: the next segment's base.
    public let end: UInt64
    /// Unix seconds of its last write (when it was sealed).
    public let modifiedAt: Int64
}
