public struct FileLogOptions: Sendable {
    /// A segment rolls over before a record would take it past this size.
    public var segmentSize: Int
    /// Larger payloads fail with `.recordTooLarge` before anything is queued.
    public var maxRecordSize: Int
    /// Records accepted but not yet completed; beyond it appends fail with `.overloaded`.
    public var queueCapacity: Int
    /// Payload bytes accepted but not yet completed; bounds memory when records are large.
    public var queueByteCapacity: Int
    /// Most records written and synced as one group.
    public var maxBatchRecords: Int
    public var sync: SyncMode
    /// Prepare each next segment zero-filled ahead of need, so group-commit syncs write into
    /// space the file already has (see `SegmentPreparer`). Costs up to two segments of disk
    /// beyond the records. Worth turning off on a copy-on-write filesystem, where an
    /// overwrite allocates anew anyway.
    public var preallocate: Bool

    /// Test seam: runs on the writer thread before each batch is written.
    var beforeBatch: (@Sendable () -> Void)?
    /// Test seam: return an errno to make the named step fail: "write", "sync", "truncate" (the
    /// cut-back after a failed write), "roll" (starting the next segment) or "open-sync" (the
    /// sync of the kept tail when a log is opened).
    /// A failing "write" really writes half the batch first, as a full disk might.
    var injectFault: (@Sendable (String) -> Int32?)?

    public init(
        segmentSize: Int = 64 << 20,
        maxRecordSize: Int = 4 << 20,
        queueCapacity: Int = 16384,
        queueByteCapacity: Int = 256 << 20,
        maxBatchRecords: Int = 1024,
        sync: SyncMode = .fdatasync,
        preallocate: Bool = true
    ) {
        self.segmentSize = segmentSize
        self.maxRecordSize = maxRecordSize
        self.queueCapacity = queueCapacity
        self.queueByteCapacity = queueByteCapacity
        self.maxBatchRecords = maxBatchRecords
        self.sync = sync
        self.preallocate = preallocate
    }

    /// Misconfiguration is a programming error, so it stops the process at open
    /// instead of surfacing later as odd runtime behaviour.
    func validate() {
        precondition(segmentSize >= SegmentHeader.size + RecordFrame.headerSize,
                     "segmentSize must hold at least a header and one empty record")
        precondition(maxRecordSize >= 0 && maxRecordSize <= RecordFrame.maxPayload,
                     "maxRecordSize must be between 0 and \(RecordFrame.maxPayload)")
        precondition(queueCapacity >= 1, "queueCapacity must be at least 1")
        precondition(queueByteCapacity >= maxRecordSize, "queueByteCapacity must hold one maximal record")
        precondition(maxBatchRecords >= 1, "maxBatchRecords must be at least 1")
    }
}
