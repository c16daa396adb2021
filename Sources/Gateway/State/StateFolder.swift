import Wire

/// Folds records straight from their payloads, as a restart reads them. `received` records
/// (most of a log) and routed records that planned nothing are read in place with no
/// allocation; the rest are decoded and applied as `GatewayState.apply` does.
///
/// Runs of `received` records are held back a few at a time: their digests are computed
/// and their dedupe slots prefetched first, then they are applied in order, so the cache
/// misses of a large index overlap instead of queueing. Any other record applies the held
/// ones first, so the order of effects is the log's. Read the state with `finish()`.
struct StateFolder {
    private var state: GatewayState
    private var held: [(digest: KeyDigest, offset: UInt64)] = []
    /// The source of each held record, as runs: (source, how many of `held` it covers).
    private var heldSources: [(name: String, count: Int)] = []
    /// The last source name read, so a run of events from one source makes no new strings.
    private var lastSource: (bytes: [UInt8], name: String) = ([], "")
    private static let batch = 16

    init(_ state: GatewayState) {
        self.state = state
        held.reserveCapacity(Self.batch)
    }

    mutating func apply(payload: UnsafeRawBufferPointer, at offset: UInt64) throws(LogEventDecodingError) {
        var cursor = WireCursor(payload)
        switch (cursor.u8(), cursor.u8()) {
        case (LogEvent.Kind.received.rawValue, 1):
            guard let source = cursor.blob(), let eventID = cursor.blob() else { throw .truncated }
            let digest = KeyDigest.of(source: source, eventID: eventID, key: state.digestKey)
            state.prefetch(digest)
            if !lastSource.bytes.elementsEqual(source) { lastSource = (Array(source), String(decoding: source, as: UTF8.self)) }
            if heldSources.last?.name == lastSource.name { heldSources[heldSources.count - 1].count += 1 } else { heldSources.append((lastSource.name, 1)) }
            held.append((digest, offset))
            if held.count == Self.batch { applyHeld() }
        case (LogEvent.Kind.routed.rawValue, 1):
            applyHeld()
            guard let eventOffset = cursor.u64(), cursor.blob() != nil, cursor.blob() != nil, cursor.i64() != nil,
                  let plans = cursor.blob() else { throw .truncated }
            if plans.isEmpty {
                state.applyRoutedWithoutJobs(eventOffset: eventOffset, at: offset)
            } else {
                state.apply(try LogEvent.decode(Array(payload), withBody: false), at: offset)
            }
        default:
            applyHeld()
            state.apply(try LogEvent.decode(Array(payload), withBody: false), at: offset)
        }
    }

    /// The state with every record applied.
    mutating func finish() -> GatewayState {
        applyHeld()
        return state
    }

    private mutating func applyHeld() {
        var start = 0
        for run in heldSources {
            state.applyReceived(held[start..<(start + run.count)], source: run.name)
            start += run.count
        }
        held.removeAll(keepingCapacity: true)
        heldSources.removeAll(keepingCapacity: true)
    }
}
