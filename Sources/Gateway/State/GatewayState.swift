import Notify

/// The gateway's state as a fold over the log: replaying the same events always yields the
/// same state, which is how a restart (or a crash) rebuilds it.
public struct GatewayState: Sendable {
    /// Every accepted event's key, with the offset of its `received` record.
    public private(set) var seen: [DedupeKey: UInt64] = [:]
    /// Accepted events per source.
    public private(set) var acceptedBySource: [String: Int] = [:]
    /// Received events not yet routed (a crash came between the two records).
    public private(set) var unrouted: [UInt64: DedupeKey] = [:]
    public private(set) var jobs: [String: JobState] = [:]
    /// Jobs not finished, by id: what the action engine resumes after a restart.
    public private(set) var openJobs: Set<String> = []
    public private(set) var eventsApplied = 0
    public private(set) var lastOffset: UInt64?
    /// Offsets of every record about one received event (keyed by the `received` record's
    /// offset), in log order: what `GET /events/{id}` reads back.
    public private(set) var history: [UInt64: [UInt64]] = [:]
    /// Event id to the `received` offsets carrying it (one per source that used the id).
    public private(set) var byEventID: [String: [UInt64]] = [:]
    /// Outbound notifications and subscriber health, folded by the Notify module's rules.
    public private(set) var deliveries = DeliveryState()
    /// Which received event each delivery is about, so its steps join the event's history.
    private var deliveryOrigin: [String: UInt64] = [:]

    public init() {}

    /// Sizes the indexes for about `events` received events, so a restart's fold does not
    /// rehash them over and over as they grow.
    public mutating func reserve(events: Int) {
        seen.reserveCapacity(events)
        history.reserveCapacity(events)
        byEventID.reserveCapacity(events)
    }

    public func contains(_ key: DedupeKey) -> Bool { seen[key] != nil }

    public mutating func apply(_ event: LogEvent, at offset: UInt64) {
        eventsApplied += 1
        lastOffset = offset
        switch event {
        case .received(let e):
            let key = DedupeKey(source: e.source, eventID: e.eventID)
            // A key can appear twice only if an old log holds duplicates; the first stays canonical.
            if seen[key] == nil {
                seen[key] = offset
                acceptedBySource[e.source, default: 0] += 1
                unrouted[offset] = key
                history[offset] = [offset]
                byEventID[e.eventID, default: []].append(offset)
            }
        case .routed(let e):
            guard unrouted.removeValue(forKey: e.eventOffset) != nil else { return }
            history[e.eventOffset]?.append(offset)
            for plan in e.jobs where jobs[plan.id] == nil {
                let job = JobState(plan: plan, eventOffset: e.eventOffset, source: e.source, eventID: e.eventID, dueAt: e.routedAt)
                jobs[plan.id] = job
                if !job.isFinished { openJobs.insert(plan.id) }
            }
        case .remapped(let e):
            history[e.eventOffset]?.append(offset)
            for plan in e.jobs where jobs[plan.id] == nil {
                let job = JobState(plan: plan, eventOffset: e.eventOffset, source: e.source, eventID: e.eventID, dueAt: e.routedAt)
                jobs[plan.id] = job
                if !job.isFinished { openJobs.insert(plan.id) }
            }
        case .requeued(let e):
            guard jobs[e.jobID]?.isFinished == true else { return }
            jobs[e.jobID]?.requeued(e)
            if jobs[e.jobID]?.isFinished == false { openJobs.insert(e.jobID) }
            if let origin = jobs[e.jobID]?.eventOffset { history[origin]?.append(offset) }
        case .delivery(let e):
            deliveries.apply(e)
            switch e {
            case .planned(let id, _, let notification, _):
                if let source = notification.data[path: "source"]?.scalarText, let eventID = notification.data[path: "event_id"]?.scalarText,
                   let origin = seen[DedupeKey(source: source, eventID: eventID)] {
                    deliveryOrigin[id] = origin
                    history[origin]?.append(offset)
                }
            case .attemptStarted(let id, _, _), .attemptFinished(let id, _, _, _, _, _), .redeliveryRequested(let id, _):
                if let origin = deliveryOrigin[id] { history[origin]?.append(offset) }
            default:
                break
            }
        case .attemptStarted(let e):
            jobs[e.jobID]?.started(e)
            if let origin = jobs[e.jobID]?.eventOffset { history[origin]?.append(offset) }
        case .attemptFinished(let e):
            jobs[e.jobID]?.finished(e)
            if let origin = jobs[e.jobID]?.eventOffset { history[origin]?.append(offset) }
            if jobs[e.jobID]?.isFinished == true { openJobs.remove(e.jobID) }
        }
    }
}

extension GatewayState {
    /// Every record offset in the history of the event(s) with this id, per received offset.
    public func historyOffsets(eventID: String) -> [(received: UInt64, records: [UInt64])] {
        (byEventID[eventID] ?? []).map { ($0, history[$0] ?? [$0]) }
    }
}
