/// Folds read records (`FoldItem`s) into a state, as a restart does.
///
/// Runs of `received` records are held back a few at a time: their dedupe slots are
/// prefetched as they arrive, then they are applied in order, so the cache misses of a
/// large index overlap instead of queueing. Any other record applies the held ones first,
/// so the order of effects is the log's. Read the state with `finish()`.
struct StateFolder {
    private var state: GatewayState
    private var reader: FoldItemReader
    private var held: [(digest: KeyDigest, offset: UInt64)] = []
    /// The source of each held record, as runs: (source, how many of `held` it covers).
    private var heldSources: [(name: String, count: Int)] = []
    private static let batch = 16

    init(_ state: GatewayState) {
        self.state = state
        reader = FoldItemReader(digestKey: state.digestKey)
        held.reserveCapacity(Self.batch)
    }

    var digestKey: DigestKey { state.digestKey }

    /// Reads and folds one record on this thread.
    mutating func apply(payload: UnsafeRawBufferPointer, at offset: UInt64) throws(LogEventDecodingError) {
        apply(try reader.read(payload, at: offset))
    }

    mutating func apply(_ item: FoldItem) {
        switch item {
        case .received(let digest, let source, let offset):
            state.prefetch(digest)
            if heldSources.last?.name == source { heldSources[heldSources.count - 1].count += 1 } else { heldSources.append((source, 1)) }
            held.append((digest, offset))
            if held.count == Self.batch { applyHeld() }
        case .routedWithoutJobs(let eventOffset, let offset):
            applyHeld()
            state.applyRoutedWithoutJobs(eventOffset: eventOffset, at: offset)
        case .event(let event, let offset):
            applyHeld()
            state.apply(event, at: offset)
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
