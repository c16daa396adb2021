/// A reader's snapshot of the durable log: which segments to visit, how far each
/// is durable, and a record boundary to start from.
struct ReadPlan: Sendable {
    /// A record start at or below the requested offset, inside `segments.first`.
    var start: UInt64
    var segments: [SegmentInfo]

    static let empty = ReadPlan(start: 0, segments: [])
}
