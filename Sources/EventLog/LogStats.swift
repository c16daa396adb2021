/// A point-in-time view of the log for metrics and the operator.
public struct LogStats: Sendable {
    public let segments: Int
    /// Durable bytes on disk across all segments, headers included.
    public let bytes: UInt64
    public let durableEnd: UInt64
    /// Records made durable since open.
    public let recordsAppended: UInt64
    /// Batches written since open; each costs one sync (two when it spans a rollover).
    public let batches: UInt64
    /// Records accepted but not yet completed.
    public let queueDepth: Int
    /// Their payload bytes, and the most the queue takes (large bodies fill it before records do).
    public let queuedBytes: Int
    public let queueByteCapacity: Int
    /// The latest batch failed (a full disk, a failing device): appends fail until one succeeds.
    public let failing: Bool
    /// Sync latency percentiles over the most recent samples; nil before the first sync.
    public let fsyncP50Micros: Int?
    public let fsyncP99Micros: Int?
    /// The slowest sync since open, and the syncs since open that took over 20 ms.
    public let fsyncMaxMicros: Int
    public let fsyncsOver20ms: Int
    /// Records per batch since open: how much group commit is sharing each sync.
    public let averageGroupSize: Double
    /// Sealed segments whose cached pages a prepared segment reused, since open.
    public let segmentsRecycled: Int
    public let lastError: String?
}
