import Glibc

/// Everything appenders, readers and the writer thread share. It lives in one
/// `Mutex` in `LogCore`; the only other shared mutable value is the writer's
/// thread handle, which closers alone use.
struct LogState: Sendable {
    var queue: [PendingAppend] = []
    /// Records and payload bytes accepted but not yet completed (queued or being written).
    var queuedRecords = 0
    var queuedBytes = 0
    var closing = false
    /// True while the writer waits for work; an appender that finds it set signals it.
    var writerSleeping = false
    var writerThread: pthread_t?

    /// Segments with their durable sizes; the last one is being appended to.
    var segments: [SegmentInfo]
    var index: SparseIndex

    var recordsAppended: UInt64 = 0
    var batches: UInt64 = 0
    var syncLatency = LatencyRing()
    var lastError: String?
    /// The latest batch failed: appends are being refused until one succeeds again.
    var failing = false

    init(segments: [SegmentInfo], index: SparseIndex) {
        self.segments = segments
        self.index = index
    }

    var durableEnd: UInt64 { segments.last?.end ?? 0 }

    mutating func absorb(_ outcome: BatchOutcome) {
        if let first = outcome.segments.first {
            if let at = segments.lastIndex(where: { $0.base == first.base }) {
                segments.replaceSubrange(at..., with: outcome.segments)
            } else {
                segments.append(contentsOf: outcome.segments)
            }
        }
        index.absorb(outcome.indexEntries)
        queuedRecords -= outcome.recordsDequeued
        queuedBytes -= outcome.bytesDequeued
        recordsAppended += UInt64(outcome.recordsDurable)
        batches += 1
        for micros in outcome.syncMicros { syncLatency.add(micros) }
        if let error = outcome.error { lastError = error.description }
        failing = outcome.error != nil
    }

    func plan(from offset: UInt64) -> ReadPlan {
        guard let first = segments.first, offset < durableEnd else { return .empty }
        let target = max(offset, first.base)
        // The segment holding `target`: the last one whose base is at or below it.
        var low = 0
        var high = segments.count
        while low < high {
            let mid = (low + high) / 2
            if segments[mid].base <= target { low = mid + 1 } else { high = mid }
        }
        let containing = max(low - 1, 0)
        var start = segments[containing].base
        if let sampled = index.floor(target), sampled > start { start = sampled }
        return ReadPlan(start: start, segments: Array(segments[containing...]))
    }
}
