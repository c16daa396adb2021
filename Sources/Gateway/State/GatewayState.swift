import Notify
import Routing

/// The gateway's state as a fold over the log: replaying the same events always yields the
/// same state, which is how a restart (or a crash) rebuilds it.
///
/// Three parts. The event index (dedupe digests, each event's chain of records, the order
/// events arrived in) grows with every webhook and lives in flat tables that a snapshot
/// stores as words. Jobs are held whole until they succeed, then settled into a compact
/// table (`SettledJobs`); a snapshot stores both. Deliveries are held whole until they are
/// delivered, then settled to a digest and an outline (`settledDeliveries`); a snapshot
/// stores the settled ones and lists the records of the others (`workRecords`), which a
/// restart re-reads.
public struct GatewayState: Sendable {
    /// The secret key of the dedupe digests (see `KeyDigest`).
    let digestKey: DigestKey
    /// Every accepted event's dedupe digest, with the offset of its `received` record; an
    /// event whose id came from an unsigned header also has its body's (see
    /// `ReceivedEvent.contentDigest`), whose value carries `contentKeyTag` as well.
    private(set) var seen: DigestIndex
    /// How many of `seen`'s entries are second keys, so `uniqueEvents` counts events only.
    private var contentKeys = 0
    /// Marks a second key's value in `seen`; offsets stay far below it.
    static let contentKeyTag: UInt64 = 1 << 63
    /// Accepted events per source.
    public private(set) var acceptedBySource: [String: Int] = [:]
    /// Received events not yet routed (a crash came between the two records).
    private(set) var unroutedSet = OffsetSet()
    /// Each accepted event's records, in order.
    private(set) var history = HistoryChains()
    /// The event a record was last linked to: where the next lookup starts.
    private var lastLinkedEvent: Int?
    /// Jobs that have not succeeded, whole: open ones, and failed or dead ones (an operator
    /// may re-drive those). A job that succeeds moves to `settled`.
    public private(set) var jobs: [String: JobState] = [:]
    /// Jobs that succeeded, a few bytes each.
    private(set) var settled = SettledJobs()
    /// Jobs not finished, by id: what the action engine resumes after a restart.
    public private(set) var openJobs: Set<String> = []
    public private(set) var eventsApplied = 0
    public private(set) var lastOffset: UInt64?
    /// The offset of the first record this state applied, and whether it began from a snapshot:
    /// together, whether it built subscribers' standing from records before a retention mark
    /// (see `apply(.retained)`).
    private var firstOffset: UInt64?
    private var restoredFromSnapshot = false
    /// Outbound notifications and subscriber health, folded by the Notify module's rules.
    public private(set) var deliveries = DeliveryState()
    /// Which received event each delivery is about, so its steps join the event's history.
    private var deliveryOrigin: [String: UInt64] = [:]
    /// Offset of each unsettled delivery's `planned` record: retention forgets finished deliveries
    /// planned before its mark.
    private var deliveryPlanned: [String: UInt64] = [:]
    /// Each unsettled delivery's records (plan, attempts, redeliveries): what a start from a
    /// snapshot re-reads to rebuild `deliveries`.
    private(set) var deliveryRecords: [String: [UInt64]] = [:]
    /// Delivered deliveries, settled: digest of the id → outline (`DeliveryOutline`). The
    /// notification stays in the log, at the outline's `planned` offset.
    private(set) var settledDeliveries = DigestIndex()
    /// Settled deliveries an operator opened again (a redelivery), until they settle anew:
    /// a snapshot keeps their outlines so replaying the redelivery opens them the same way.
    private(set) var reopenedDeliveries: [String: UInt64] = [:]
    /// Finished jobs that retention forgot, by API and how they ended: totals stay totals.
    public private(set) var retiredJobs: [RetiredJobKey: Int] = [:]
    /// The latest retention mark: records before it may be gone from the log.
    public private(set) var retentionFloor: UInt64 = 0
    /// Dedupe digests of events received before this offset were forgotten (dedupe window).
    public private(set) var dedupeFloor: UInt64 = 0

    public init() {
        self.init(digestKey: .random())
    }

    init(digestKey: DigestKey) {
        self.digestKey = digestKey
        seen = DigestIndex()
    }

    /// Rebuilds the event index and the jobs a snapshot holds. Deliveries start empty: the
    /// caller re-applies `snapshot.workRecords` from the log (see `StateRecovery`).
    init(snapshot: StateSnapshot) {
        self.init(digestKey: snapshot.digestKey)
        seen.reserve(snapshot.seen.count / 3)  // every key, second keys included
        // Sixteen slots prefetched, then filled: the misses overlap (as in `StateFolder`).
        let entries = snapshot.seen.count / 3
        for group in stride(from: 0, to: entries, by: 16) {
            let end = min(group + 16, entries)
            for e in group..<end { seen.prefetch(KeyDigest(high: snapshot.seen[3 * e], low: snapshot.seen[3 * e + 1])) }
            for e in group..<end { seen.restore(high: snapshot.seen[3 * e], low: snapshot.seen[3 * e + 1], value: snapshot.seen[3 * e + 2]) }
        }
        contentKeys = Self.countContentKeys(in: seen)
        history = snapshot.history
        acceptedBySource = snapshot.acceptedBySource
        unroutedSet = OffsetSet(snapshot.unrouted)
        settledDeliveries.reserve(snapshot.settledDeliveries.count / 3 + snapshot.reopenedDeliveries.count)
        for e in 0..<snapshot.settledDeliveries.count / 3 {
            settledDeliveries.restore(high: snapshot.settledDeliveries[3 * e], low: snapshot.settledDeliveries[3 * e + 1],
                                      value: snapshot.settledDeliveries[3 * e + 2])
        }
        for (id, outline) in snapshot.reopenedDeliveries {
            settledDeliveries.insert(KeyDigest.of(deliveryID: id, key: digestKey), outline)
        }
        jobs = Dictionary(uniqueKeysWithValues: snapshot.jobs.map { ($0.plan.id, $0) })
        openJobs = Set(snapshot.jobs.lazy.filter { !$0.isFinished }.map(\.plan.id))
        settled = snapshot.settled
        retentionFloor = snapshot.retentionFloor
        dedupeFloor = snapshot.dedupeFloor
        retiredJobs = snapshot.retiredJobs
        eventsApplied = snapshot.eventsApplied
        lastOffset = snapshot.lastOffset
        restoredFromSnapshot = true
    }

    /// The event index, the jobs, the settled deliveries with subscribers' standing, and the
    /// records of the deliveries held whole, as a snapshot stores them.
    /// `seenWords`/`settledWords`: the dedupe tables as `snapshotCopy` wrote them, for a
    /// state copied that way (which holds no tables); nil reads them from this state.
    func snapshot(lastRecordChecksum: UInt32, seenWords: [UInt64]? = nil, settledWords: [UInt64]? = nil) -> StateSnapshot? {
        guard let lastOffset else { return nil }
        let seenWords = seenWords ?? Self.words(of: seen), settledWords = settledWords ?? Self.words(of: settledDeliveries)
        return StateSnapshot(digestKey: digestKey, lastOffset: lastOffset, lastRecordChecksum: lastRecordChecksum,
                             eventsApplied: eventsApplied, acceptedBySource: acceptedBySource, unrouted: unrouted,
                             seen: seenWords, history: history, jobs: jobs.values.sorted { $0.plan.id < $1.plan.id }, settled: settled,
                             settledDeliveries: settledWords, reopenedDeliveries: reopenedDeliveries,
                             subscribers: deliveries.subscribers, workRecords: workRecords, retentionFloor: retentionFloor,
                             dedupeFloor: dedupeFloor, retiredJobs: retiredJobs)
    }

    /// A copy for a snapshot that leaves the live dedupe tables unshared. Their entries go into
    /// the caller's words, sized ahead of the store's lock so that filling them touches no fresh
    /// memory, and the copy lets go of the tables: while a snapshot held them, the next live
    /// insert copied the whole table under that lock (86 ms at a million events here).
    func snapshotCopy(seenWords: inout [UInt64], settledWords: inout [UInt64]) -> GatewayState {
        Self.write(seen, into: &seenWords)
        Self.write(settledDeliveries, into: &settledWords)
        var copy = self
        copy.seen = DigestIndex()
        copy.contentKeys = 0
        copy.settledDeliveries = DigestIndex()
        return copy
    }

    /// Sizes for `snapshotCopy`'s words: (dedupe entries, settled deliveries).
    var snapshotTableSizes: (seen: Int, settled: Int) { (seen.count, settledDeliveries.count) }

    private static func words(of index: DigestIndex) -> [UInt64] {
        var words: [UInt64] = []
        write(index, into: &words)
        return words
    }

    /// The table's entries as (high, low, value) words, over what `words` already holds (its
    /// length is a capacity, not content: it is cut to the entries written).
    private static func write(_ index: DigestIndex, into words: inout [UInt64]) {
        var n = 0
        index.forEach { high, low, value in
            if n + 3 <= words.count {
                words[n] = high; words[n + 1] = low; words[n + 2] = value
            } else {
                words.append(high); words.append(low); words.append(value)
            }
            n += 3
        }
        words.removeLast(words.count - n)
    }

    public var uniqueEvents: Int { seen.count - contentKeys }

    private static func countContentKeys(in index: DigestIndex) -> Int {
        var count = 0
        index.forEach { _, _, value in if value & contentKeyTag != 0 { count += 1 } }
        return count
    }

    /// Received events not yet routed (a crash came between the two records), oldest first.
    public var unrouted: [UInt64] { unroutedSet.sorted() }
    public var hasUnrouted: Bool { !unroutedSet.isEmpty }
    func isUnrouted(_ offset: UInt64) -> Bool { unroutedSet.contains(offset) }

    /// Sizes the indexes for about `events` received events, so a restart's fold does not
    /// rehash them over and over as they grow.
    public mutating func reserve(events: Int) {
        seen.reserve(events)
    }

    /// The `received` offsets of accepted events, in log order.
    public var receivedOffsets: [UInt64] { history.received.array }

    public func contains(_ key: DedupeKey) -> Bool { receivedOffset(of: key) != nil }

    /// The offset of the `received` record that accepted `key`, if any.
    public func receivedOffset(of key: DedupeKey) -> UInt64? { seen[KeyDigest.of(key, key: digestKey)].map { $0 & ~Self.contentKeyTag } }

    /// Every record offset of one event's history, oldest first.
    public func historyOffsets(received: UInt64) -> [UInt64] {
        history.event(receivedAt: received).map { history.chain(ofEvent: $0) } ?? [received]
    }

    /// The first `count` records after `received` in its event's history, oldest first: its
    /// `routed` is among them, after the notification plans written in the event's own append.
    public func recordsAfter(received: UInt64, count: Int) -> [UInt64] {
        guard let event = history.event(receivedAt: received) else { return [] }
        return Array(history.chain(ofEvent: event).dropFirst().prefix(count))
    }

    /// Whether the `received` record at `offset` accepted an event (a later copy of a known
    /// key is not one).
    public func isAccepted(received offset: UInt64) -> Bool { history.event(receivedAt: offset) != nil }

    /// Every record offset in the history of the event(s) with this id, one list per
    /// source that used the id. Events whose records retention removed have none.
    public func historyOffsets(eventID: String) -> [(received: UInt64, records: [UInt64])] {
        acceptedBySource.keys.sorted()
            .compactMap { receivedOffset(of: DedupeKey(source: $0, eventID: eventID)) }
            .sorted()
            .compactMap { offset in history.event(receivedAt: offset).map { (offset, history.chain(ofEvent: $0)) } }
    }

    public mutating func apply(_ event: LogEvent, at offset: UInt64) {
        eventsApplied += 1
        lastOffset = offset
        if firstOffset == nil { firstOffset = offset }
        apply(event, at: offset, deliveriesOnly: false)
    }

    /// Re-applies a work record after the event index and jobs came from a snapshot: the
    /// same changes to deliveries, none to the index or the jobs (it already holds them).
    mutating func reapplyWork(_ event: LogEvent, at offset: UInt64) {
        apply(event, at: offset, deliveriesOnly: true)
    }

    /// A run of `received` records from one source, by their keys' digests (see
    /// `StateFolder`, which reads these in place): one count update for the run.
    mutating func applyReceived(_ run: ArraySlice<HeldReceived>, source: String) {
        var accepted = 0
        for entry in run {
            eventsApplied += 1
            lastOffset = entry.offset
            if firstOffset == nil { firstOffset = entry.offset }
            guard noteAccepted(entry.digest, at: entry.offset, routed: entry.routed) else { continue }
            accepted += 1
            // As `apply(.received)` does: the second key points at the same record.
            if let second = entry.second, seen.insert(second, entry.offset | Self.contentKeyTag) { contentKeys += 1 }
        }
        if accepted > 0 { acceptedBySource[source, default: 0] += accepted }
    }

    /// A `routed` record that planned no jobs (see `StateFolder`).
    mutating func applyRoutedWithoutJobs(eventOffset: UInt64, at offset: UInt64) {
        eventsApplied += 1
        lastOffset = offset
        if firstOffset == nil { firstOffset = offset }
        if unroutedSet.remove(eventOffset) { link(offset, to: eventOffset) }
    }

    /// Warms the dedupe slot of `digest` ahead of `applyReceived`.
    func prefetch(_ digest: KeyDigest) { seen.prefetch(digest) }

    @discardableResult
    private mutating func noteReceived(_ digest: KeyDigest, source: String, at offset: UInt64, routed: Bool) -> Bool {
        guard noteAccepted(digest, at: offset, routed: routed) else { return false }
        acceptedBySource[source, default: 0] += 1
        return true
    }

    /// Indexes an accepted event; false for a later copy of a known key (only an old log can
    /// hold one; the first stays canonical).
    private mutating func noteAccepted(_ digest: KeyDigest, at offset: UInt64, routed: Bool) -> Bool {
        guard seen.insert(digest, offset) else { return false }
        if !routed { unroutedSet.insert(offset) }
        history.addEvent(offset)
        return true
    }

    /// Adds `record` to the history of the event received at `origin`.
    private mutating func link(_ record: UInt64, to origin: UInt64) {
        guard let n = history.event(receivedAt: origin, near: lastLinkedEvent) else { return }
        history.link(record, toEvent: n)
        lastLinkedEvent = n
    }

    private mutating func apply(_ event: LogEvent, at offset: UInt64, deliveriesOnly: Bool) {
        func history(_ origin: UInt64?) { if !deliveriesOnly, let origin { link(offset, to: origin) } }
        switch event {
        case .received(let e):
            guard !deliveriesOnly else { return }
            let accepted = noteReceived(KeyDigest.of(DedupeKey(source: e.source, eventID: e.eventID), key: digestKey),
                                        source: e.source, at: offset, routed: e.routedAtIntake)
            // The second key points at the same record, so retention's dedupe window drops both.
            if accepted, let contentKey = e.contentKey, seen.insert(KeyDigest.of(contentKey, key: digestKey), offset | Self.contentKeyTag) {
                contentKeys += 1
            }
        case .routed(let e):
            guard !deliveriesOnly, unroutedSet.remove(e.eventOffset) else { return }
            history(e.eventOffset)
            // An event is routed once, and its jobs' ids carry its offset: they are new.
            addJobs(e, knownNew: true)
        case .remapped(let e):
            // Retention may have forgotten the event between a remap's planning and its
            // record (they race by design): jobs for it could never render, so none are made.
            guard !deliveriesOnly, e.eventOffset >= retentionFloor else { return }
            history(e.eventOffset)
            addJobs(e, knownNew: false)
        case .requeued(let e):
            guard !deliveriesOnly else { return }
            history(eventOffset(ofJob: e.jobID))
            guard jobs[e.jobID]?.isFinished == true else { return }
            jobs[e.jobID]?.requeued(e)
            if jobs[e.jobID]?.isFinished == false { openJobs.insert(e.jobID) }
        case .delivery(let e):
            if let id = e.deliveryID {
                let digest = KeyDigest.of(deliveryID: id, key: digestKey)
                if let outline = settledDeliveries[digest] {
                    // Settled: only a redelivery carrying its notification opens it again; a
                    // repeated plan or a stale attempt changes nothing.
                    guard case .redeliveryRequested(_, let at, let notification?) = e else { return }
                    settledDeliveries.remove(digest)
                    reopenedDeliveries[id] = outline
                    let place = DeliveryOutline(outline)
                    deliveries.reopen(id, subscriberID: DeliveryOutline.subscriber(of: id), notification: notification,
                                      plannedAt: notification.timestamp, attempts: place.attempts, at: at)
                    deliveryPlanned[id] = place.planned
                    deliveryRecords[id] = [offset]
                    if let origin = origin(of: notification) { deliveryOrigin[id] = origin; history(origin) }
                    return
                }
            }
            deliveries.apply(e)
            // Only records of a delivery the fold holds are worth re-reading at start: one for
            // an id it never knew (its plan removed by retention) would be a dangling offset.
            if let id = e.deliveryID, deliveries.deliveries[id] != nil { deliveryRecords[id, default: []].append(offset) }
            switch e {
            case .planned(let id, _, let notification, _):
                if let origin = origin(of: notification) {
                    deliveryOrigin[id] = origin
                    history(origin)
                }
                if deliveryPlanned[id] == nil { deliveryPlanned[id] = offset }
            case .attemptFinished(let id, _, _, _, _, .delivered):
                history(deliveryOrigin[id])
                settleDelivery(id)
            case .attemptStarted(let id, _, _), .attemptFinished(let id, _, _, _, _, _), .redeliveryRequested(let id, _, _):
                history(deliveryOrigin[id])
            default:
                break
            }
        // Attempts are most of a busy log's records: one hash of the job id each, the job
        // changed in place through its dictionary index.
        case .attemptStarted(let e):
            guard !deliveriesOnly else { return }
            guard let index = jobs.index(forKey: e.jobID) else { return history(settled.find(e.jobID)?.eventOffset) }
            history(jobs.values[index].eventOffset)
            jobs.values[index].started(e)
        case .attemptFinished(let e):
            guard !deliveriesOnly else { return }
            guard let index = jobs.index(forKey: e.jobID) else { return history(settled.find(e.jobID)?.eventOffset) }
            history(jobs.values[index].eventOffset)
            jobs.values[index].finished(e)
            guard jobs.values[index].isFinished else { return }
            openJobs.remove(e.jobID)
            if jobs.values[index].status == .succeeded { settled.add(jobs.remove(at: index).value) }
        case .retained(let mark):
            // Never among a snapshot's work records: the snapshot already reflects every mark.
            guard !deliveriesOnly else { return }
            forgetJobs(before: mark)
            forgetDeliveries(before: mark)
            forgetIndex(before: mark)
        }
    }

    /// The received event a notification is about, from the source and event id it carries.
    private func origin(of notification: Notify.Notification) -> UInt64? {
        guard let source = notification.data[path: "source"]?.scalarText, let eventID = notification.data[path: "event_id"]?.scalarText
        else { return nil }
        return receivedOffset(of: DedupeKey(source: source, eventID: eventID))
    }

    /// A delivery that was delivered leaves `deliveries` for `settledDeliveries`.
    private mutating func settleDelivery(_ id: String) {
        guard let attempts = deliveries.deliveries[id]?.attempts, deliveries.settle(id) else { return }
        let outline = DeliveryOutline(planned: deliveryPlanned.removeValue(forKey: id) ?? 0, attempts: attempts)
        settledDeliveries.insert(KeyDigest.of(deliveryID: id, key: digestKey), outline.word)
        deliveryOrigin.removeValue(forKey: id)
        deliveryRecords.removeValue(forKey: id)
        reopenedDeliveries.removeValue(forKey: id)
    }

    /// Subscribers' standing as a snapshot stored it, set after its deliveries were re-read
    /// (re-reading them moves counts the snapshot already holds).
    mutating func restoreSubscribers(_ health: [String: SubscriberHealth]) {
        deliveries.restore(health)
    }

    /// The earliest offset unfinished work still needs: the event of an open job (its body
    /// renders the actions), an unrouted event, or an open delivery's `planned` record.
    /// Retention keeps every segment from the one holding it on; nil when nothing is open.
    public var oldestNeededOffset: UInt64? {
        var oldest = unroutedSet.sorted().first
        func consider(_ offset: UInt64?) { if let offset, offset < (oldest ?? .max) { oldest = offset } }
        for id in openJobs { consider(jobs[id]?.eventOffset) }
        for record in deliveries.deliveries.values where record.isOpen { consider(deliveryPlanned[record.id] ?? 0) }
        return oldest
    }

    /// What a retention mark forgets of jobs: the finished jobs of events received before
    /// it. Open ones stay (the sweeper never removes their segments). Jobs go by their event,
    /// not by their `routed` record, because a segment boundary can fall between the two: a
    /// fold of the log left after removal cannot plan jobs for an event it never saw, so
    /// nothing may keep them.
    private mutating func forgetJobs(before mark: RetentionMark) {
        for (id, job) in jobs where job.eventOffset < mark.before && job.isFinished {
            jobs.removeValue(forKey: id)
            if let api = job.currentAction?.api ?? job.plan.actions.last?.api {
                retiredJobs[RetiredJobKey(api: api, status: job.status), default: 0] += 1
            }
        }
        for (api, count) in settled.removeAll(eventsBefore: mark.before) {
            retiredJobs[RetiredJobKey(api: api, status: .succeeded), default: 0] += count
        }
    }

    /// What a retention mark forgets of deliveries: the finished ones planned before it.
    /// Subscriber standing is carried over in the mark.
    private mutating func forgetDeliveries(before mark: RetentionMark) {
        let old = deliveryPlanned.filter { $0.value < mark.before }.map(\.key)
        deliveries.forget(old)
        for id in old where deliveries.deliveries[id] == nil {
            deliveryPlanned.removeValue(forKey: id)
            deliveryOrigin.removeValue(forKey: id)
            deliveryRecords.removeValue(forKey: id)
            reopenedDeliveries.removeValue(forKey: id)
        }
        settledDeliveries.removeAll(keeping: { DeliveryOutline($0).planned >= mark.before })
        // The mark's standing is a copy taken before the mark was appended: records folded in
        // between (a delivery finished, a subscriber disabled or enabled) are newer. A state
        // that saw the records before the mark (live, or from a snapshot) keeps its own; only
        // a fold of the log left after removal, which never saw them, starts from the copy.
        if !restoredFromSnapshot && (firstOffset ?? mark.before) >= mark.before {
            deliveries.restore(mark.subscribers)
        }
    }

    /// What a retention mark forgets of the event index: histories of events received before
    /// it, digests of events older than the dedupe window, and the work records before it.
    private mutating func forgetIndex(before mark: RetentionMark) {
        retentionFloor = max(retentionFloor, mark.before)
        dedupeFloor = max(dedupeFloor, mark.dedupeFloor)
        history.dropEvents(before: retentionFloor)
        if dedupeFloor > 0 {
            let floor = dedupeFloor
            seen.removeAll { $0 & ~Self.contentKeyTag >= floor }
            if contentKeys > 0 { contentKeys = Self.countContentKeys(in: seen) }
        }
        for offset in unroutedSet.sorted() where offset < retentionFloor { unroutedSet.remove(offset) }
        lastLinkedEvent = nil
    }

    private mutating func addJobs(_ e: RoutedEvent, knownNew: Bool) {
        for plan in e.jobs where knownNew || (jobs[plan.id] == nil && settled.find(plan.id) == nil) {
            let job = JobState(plan: plan, eventOffset: e.eventOffset, source: e.source, eventID: e.eventID, dueAt: e.routedAt)
            if job.status == .succeeded {
                settled.add(job)  // a plan with no actions
            } else {
                jobs[plan.id] = job
                openJobs.insert(plan.id)
            }
        }
    }

    /// The event a job belongs to, whether held whole or settled.
    private func eventOffset(ofJob id: String) -> UInt64? {
        jobs[id]?.eventOffset ?? settled.find(id)?.eventOffset
    }
}
