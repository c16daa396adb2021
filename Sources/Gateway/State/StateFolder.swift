/// Folds read records (`FoldBatch`es) into a state, as a restart does.
///
/// Runs of `received` records are held back a few at a time: their dedupe slots are
/// prefetched as they arrive, then they are applied in order, so the cache misses of a
/// large index overlap instead of queueing. Any other record applies the held ones first,
/// so the order of effects is the log's. Read the state with `finish()`.
struct StateFolder {
    private var state: GatewayState
    private var sources: [String] = []
    private var held: [HeldReceived] = []
    /// The source of each held record, as runs: (source index, how many of `held` it covers).
    private var heldSources: [(source: Int, count: Int)] = []
    private static let holdLimit = 16

    init(_ state: GatewayState) {
        self.state = state
        held.reserveCapacity(Self.holdLimit)
    }

    var digestKey: DigestKey { state.digestKey }

    mutating func apply(_ batch: FoldBatch) {
        sources.append(contentsOf: batch.newSources)
        for item in batch.items {
            switch item.kind {
            case .received, .receivedRouted:
                state.prefetch(item.digest)
                if heldSources.last?.source == item.index { heldSources[heldSources.count - 1].count += 1 } else { heldSources.append((item.index, 1)) }
                held.append(HeldReceived(digest: item.digest, offset: item.offset, routed: item.kind == .receivedRouted,
                                         second: item.hasSecond ? item.second : nil))
                if held.count == Self.holdLimit { applyHeld() }
            case .routedWithoutJobs:
                applyHeld()
                state.applyRoutedWithoutJobs(eventOffset: item.eventOffset, at: item.offset)
            case .event:
                applyHeld()
                state.apply(batch.events[item.index], at: item.offset)
            }
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
            state.applyReceived(held[start..<(start + run.count)], source: sources[run.source])
            start += run.count
        }
        held.removeAll(keepingCapacity: true)
        heldSources.removeAll(keepingCapacity: true)
    }
}
