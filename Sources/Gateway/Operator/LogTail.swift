import EventLog
import Synchronization
import Wire

/// Follows the log behind the fold, off the request path, and keeps what the operator
/// endpoints need that the fold does not: finished attempts counted by API and outcome
/// (`gatehouse_actions_total`), the per-minute rates of the status page, and the ordered
/// list of received events that `GET /events` walks. It reads only records the fold has
/// already applied, so every job an attempt names is known, and it changes nothing on the
/// intake or engine paths: those stay exactly as fast as before.
final class LogTail: Sendable {
    private let store: EventStore
    private let rates: RateHistory
    private let index: EventIndex
    private let progress = Mutex(Progress())

    struct Progress {
        var primed = false
        /// The offset to read from next.
        var next: UInt64 = 0
        /// Finished attempts since this process started following the log.
        var actions: [ActionCountKey: Int] = [:]
        var lastError: String?
    }

    init(store: EventStore, rates: RateHistory, index: EventIndex) {
        self.store = store
        self.rates = rates
        self.index = index
    }

    /// Reads every record folded since the last call. Cheap when nothing is new; the first
    /// call seeds the event index from the fold (already in log order) and starts after what it holds.
    func catchUp() {
        progress.withLock { p in
            if !p.primed {
                let (received, later, last) = store.read { s in
                    var later: [UInt64: [String]] = [:]
                    for (id, job) in s.jobs where !EventIndex.isRoutedJobID(id, eventOffset: job.eventOffset) {
                        later[job.eventOffset, default: []].append(id)
                    }
                    for job in s.settledLaterJobs where !EventIndex.isRoutedJobID(job.id, eventOffset: job.eventOffset) {
                        later[job.eventOffset, default: []].append(job.id)
                    }
                    return (s.receivedOffsets, later, s.lastOffset)
                }
                index.seed(received, laterJobs: later)
                p.next = last.map { $0 + 1 } ?? 0
                p.primed = true
            }
            guard let folded = store.read({ $0.lastOffset }), folded >= p.next else { return }
            var received: [(offset: UInt64, at: Int64)] = []
            var finished: [AttemptFinished] = []
            var remapped: [RoutedEvent] = []
            var retainedFrom: UInt64?
            var next = p.next
            do {
                // Payloads are lent, not copied: nearly every record is a `received` one (a
                // kilobyte of body) of which only the time is needed.
                try store.log.readBorrowed(from: p.next) { offset, payload in
                    guard offset <= folded else { return false }
                    next = offset + 1
                    switch payload.first {
                    case LogEvent.Kind.received.rawValue:
                        if let at = Self.receivedAt(payload) { received.append((offset, at)) }
                    case LogEvent.Kind.attemptFinished.rawValue:
                        if case .attemptFinished(let e)? = try? LogEvent.decode(Array(payload)) { finished.append(e) }
                    case LogEvent.Kind.remapped.rawValue:
                        if case .remapped(let e)? = try? LogEvent.decode(Array(payload)) { remapped.append(e) }
                    case LogEvent.Kind.retained.rawValue:
                        if case .retained(let mark)? = try? LogEvent.decode(Array(payload)) { retainedFrom = mark.before }
                    default:
                        break
                    }
                    return true
                }
                p.lastError = nil
            } catch {
                p.lastError = "\(error)"
            }
            p.next = next
            store.log.readersPassed(next)
            // Only the first copy of a key is an accepted event (the fold's rule), and an
            // attempt's API is the one of the action it ran, from the job's plan.
            let (accepted, apis) = store.read { s in
                (received.filter { s.isAccepted(received: $0.offset) },
                 finished.map { e -> String in
                     guard let actions = s.jobActions(e.jobID), actions.indices.contains(e.step) else { return "unknown" }
                     return actions[e.step].api
                 })
            }
            if let retainedFrom { index.drop(before: retainedFrom) }
            index.append(accepted.map(\.offset))
            for e in remapped { index.addLaterJobs(e.jobs.map(\.id).filter { !EventIndex.isRoutedJobID($0, eventOffset: e.eventOffset) }, event: e.eventOffset) }
            for event in accepted { rates.add(.accepted, at: event.at) }
            for (attempt, api) in zip(finished, apis) {
                p.actions[ActionCountKey(api: api, status: ActionCountKey.status(of: attempt.outcome)), default: 0] += 1
                if case .succeeded = attempt.outcome { rates.add(.succeeded, at: attempt.at) } else { rates.add(.failed, at: attempt.at) }
            }
        }
    }

    /// A `received` record's time, read in place; nil where `LogEvent.decode(_:withBody: false)`
    /// would fail, so the same records count as before.
    static func receivedAt(_ payload: UnsafeRawBufferPointer) -> Int64? {
        var r = WireCursor(payload)
        guard r.u8() == LogEvent.Kind.received.rawValue, let version = r.u8(), version == 1 || version == 2,
              r.blob() != nil, r.blob() != nil,
              let (at, flags) = ReceivedFlags.timeAndFlags(after: &r, version: version),
              flags & ~ReceivedFlags.known == 0,
              flags & ReceivedFlags.contentKeyed == 0 || r.blob()?.count == 32 else { return nil }
        return at
    }

    /// Finished attempts by API and outcome since the gateway started.
    func actionCounts() -> [ActionCountKey: Int] { progress.withLock { $0.actions } }

    /// Why the last catch-up stopped early (a damaged record), if it did.
    var lastError: String? { progress.withLock { $0.lastError } }
}
