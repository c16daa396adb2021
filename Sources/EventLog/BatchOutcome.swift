/// What one group commit did, handed from the writer to the shared state in one step.
struct BatchOutcome: Sendable {
    /// One per request in the batch, in order.
    var results: [Result<[UInt64], LogError>] = []
    /// The segments this batch touched, oldest first, with their durable sizes:
    /// the active one, then any created by rollover.
    var segments: [SegmentInfo] = []
    var indexEntries: [UInt64] = []
    var recordsDurable = 0
    var syncMicros: [UInt32] = []
    /// Queue accounting to release: every request of the batch, done or failed.
    var recordsDequeued = 0
    var bytesDequeued = 0
    var error: LogError?

    mutating func touch(_ segment: SegmentInfo) {
        if segments.last?.base == segment.base {
            segments[segments.count - 1] = segment
        } else {
            segments.append(segment)
        }
    }
}
