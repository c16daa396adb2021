import EventLog

/// A run of consecutive received events read in one forward pass over the log, with the
/// `routed` records that hold their jobs: what `EventSearch` filters, newest first.
struct EventPage {
    /// A routed record further than this past the page is read on its own rather than by
    /// stretching the pass (an event routed long after it arrived, e.g. after a crash).
    static let stretchLimit: UInt64 = 8 << 20
    /// Notification plans an event's own append may hold before its `routed` (one per
    /// subscriber taking `event.received`).
    static let maxPlansBeforeRouted = 64

    struct Entry {
        let offset: UInt64
        /// The event without its body (a page may span thousands of events).
        let event: ReceivedEvent
        let bodyBytes: Int
        var state = EventState.received
        var jobs = 0
    }

    /// Entries found, in the order of `offsets` (ascending).
    private(set) var entries: [Entry] = []
    /// Per event, the records after its `received` that may be its `routed`: the event's own
    /// append puts a notification plan per subscriber of `event.received` before it.
    private var routedCandidates: [UInt64: [UInt64]] = [:]
    /// Routed records read in the pass; those beyond it are read when asked for.
    private var routedPayloads: [UInt64: [UInt8]] = [:]

    init(offsets: [UInt64], store: EventStore) throws {
        guard let first = offsets.first, let last = offsets.last else { return }
        // The fold chains each event's records; its `routed` follows the plans written with it.
        routedCandidates = store.read { s in
            var found: [UInt64: [UInt64]] = [:]
            for offset in offsets {
                let after = s.recordsAfter(received: offset, count: Self.maxPlansBeforeRouted + 1)
                if !after.isEmpty { found[offset] = after }
            }
            return found
        }
        let wanted = Set(offsets)
        let near = Set(routedCandidates.values.joined().filter { $0 <= last + Self.stretchLimit })
        let end = max(last, near.max() ?? 0)
        var received: [UInt64: (event: ReceivedEvent, bodyBytes: Int)] = [:]
        var payloads: [UInt64: [UInt8]] = [:]
        try store.log.read(from: first) { record in
            guard record.offset <= end else { return false }
            if wanted.contains(record.offset) {
                if case .received(var e)? = try? LogEvent.decode(record.payload) {
                    let size = e.body.count
                    e.body = []
                    received[record.offset] = (e, size)
                }
            } else if near.contains(record.offset) {
                payloads[record.offset] = record.payload
            }
            return true
        }
        routedPayloads = payloads
        entries = offsets.compactMap { offset in received[offset].map { Entry(offset: offset, event: $0.event, bodyBytes: $0.bodyBytes) } }
    }

    /// Fills in `state` and `jobs` for the entries at `positions` (one lock for all): the
    /// routed records are decoded only for events that passed the cheaper filters.
    mutating func resolveStates(_ positions: [Int], store: EventStore, index: EventIndex) throws {
        let later = index.laterJobs(positions.map { entries[$0].offset })
        var jobIDs: [Int: [String]] = [:]
        for i in positions { if let ids = later[entries[i].offset] { jobIDs[i] = ids } }
        var routedEvents: Set<Int> = []
        for i in positions {
            for candidate in routedCandidates[entries[i].offset] ?? [] {
                let record: LogEvent?
                if let payload = routedPayloads[candidate] {
                    record = try? LogEvent.decode(payload)
                } else {
                    record = try store.record(at: candidate)
                }
                if case .delivery? = record { continue }  // a plan written with the event
                if case .routed(let e)? = record {
                    routedEvents.insert(i)
                    jobIDs[i, default: []].insert(contentsOf: e.jobs.map(\.id), at: 0)
                }
                break
            }
        }
        let statuses: [Int: [JobState.Status]] = store.read { s in jobIDs.mapValues { ids in ids.compactMap { s.jobSummary($0)?.status } } }
        for i in positions {
            let routed = routedEvents.contains(i)
            entries[i].state = EventState.derive(routed: routed, jobs: statuses[i] ?? [])
            entries[i].jobs = jobIDs[i]?.count ?? 0
        }
    }
}
