import Connectors
import EventLog
import Foundation
import Routing

/// The operator's recovery verbs, shared by `gatehouse replay` (offline) and the running
/// server: re-drive failed or dead jobs, and remap past events through today's routes.
/// Both list what they would do first (`dryRun`); a real run appends its decisions to the
/// log (`requeued`, `remapped`) and hands the jobs to the action engine.
extension Gateway {
    public func redrive(_ filter: WorkFilter, dryRun: Bool) throws -> [PlannedWork] {
        try holdingSweeps { try redriveHeld(filter, dryRun: dryRun) }
    }

    private func redriveHeld(_ filter: WorkFilter, dryRun: Bool) throws -> [PlannedWork] {
        // Only finished failures can be sent back: a requeue of a pending or succeeded job is
        // a no-op in the fold, and handing an open job to the engine again would queue it twice.
        let redrivable = filter.statuses.intersection(WorkFilter.redrivable)
        let chosen: [JobState] = store.read { s in
            s.jobs.values.filter { job in
                redrivable.contains(job.status)
                    && (filter.source == nil || job.source == filter.source)
                    && (filter.api == nil || job.currentAction?.api == filter.api)
                    && filter.admits(time: job.lastErrorAt)
            }
        }.sorted { ($0.eventOffset, $0.plan.id) < ($1.eventOffset, $1.plan.id) }
        let work = chosen.map { job in
            PlannedWork(jobID: job.plan.id, source: job.source, eventID: job.eventID, rule: job.plan.rule,
                        actions: job.plan.actions[min(job.step, max(0, job.plan.actions.count - 1))...].map { "\($0.api).\($0.operation)" },
                        previousStatus: job.status.rawValue, lastError: job.lastError)
        }
        guard !dryRun, !chosen.isEmpty else { return work }
        let now = Clock.unixMilliseconds()
        try store.appendInChunks(chosen.map { .requeued(JobRequeued(jobID: $0.plan.id, at: now, reason: "operator re-drive")) }) { landed in
            engine.resume(landed.compactMap { event in
                if case .requeued(let r) = event { return r.jobID }
                return nil
            })
        }
        return work
    }

    /// Runs every matching past event through `rules` (today's route files) and plans the
    /// rules that never ran for it, with fresh job ids. A rule already planned for an event is
    /// skipped whatever its outcome, so nothing that succeeded is repeated (failed work is
    /// for `redrive`).
    public func remap(rules: [String: RouteRules], filter: WorkFilter, dryRun: Bool) throws -> [PlannedWork] {
        try holdingSweeps { try remapHeld(rules: rules, filter: filter, dryRun: dryRun) }
    }

    private func remapHeld(rules: [String: RouteRules], filter: WorkFilter, dryRun: Bool) throws -> [PlannedWork] {
        let router = EventRouter(rules: rules)
        // One consistent view, taken once: the rules each event already has, the events the
        // engine has yet to route, the last record folded and the retention floor. On a running
        // server events keep arriving while the log is scanned; one received or routed after
        // this view is left to the engine (its routing uses the routes loaded at start), never
        // planned here as well. Below the floor retention has forgotten finished jobs, so "never
        // planned" cannot be told from "forgotten": those events are not remapped.
        let (planned, unrouted, lastFolded, floor) = store.read { s -> ([UInt64: Set<String>], Set<UInt64>, UInt64?, UInt64) in
            var byEvent: [UInt64: Set<String>] = [:]
            for job in s.jobs.values { byEvent[job.eventOffset, default: []].insert(job.plan.rule) }
            s.forEachSettledJob { offset, rule in byEvent[offset, default: []].insert(rule) }
            return (byEvent, Set(s.unrouted), s.lastOffset, s.retentionFloor)
        }
        guard let lastFolded else { return [] }
        let stamp = Clock.unixMilliseconds()
        var events: [RoutedEvent] = []
        try store.log.read(from: floor) { record in
            guard record.offset <= lastFolded else { return false }
            guard record.offset >= floor, !unrouted.contains(record.offset),
                  case .received(let event) = try LogEvent.decode(record.payload),
                  filter.source == nil || event.source == filter.source,
                  filter.eventType == nil || event.eventType == filter.eventType,
                  filter.admits(time: event.receivedAt),
                  // The accepted copy (a duplicate written before a crash is not), looked up in
                  // the event histories: the dedupe index forgets ids after its window.
                  store.read({ $0.isAccepted(received: record.offset) }) else { return true }
            let already = planned[record.offset] ?? []
            let fresh = router.plan(event, offset: record.offset).filter { !already.contains($0.rule) }.map { plan in
                JobPlan(id: "\(plan.id)_remap\(stamp)", rule: plan.rule, key: plan.key, actions: plan.actions, notify: plan.notify)
            }
            guard !fresh.isEmpty else { return true }
            events.append(RoutedEvent(eventOffset: record.offset, source: event.source, eventID: event.eventID, jobs: fresh, routedAt: stamp))
            return true
        }
        if !dryRun {
            // Retention may have moved on during the scan: an event now below its floor may
            // lose its body to the sweeper, so its jobs could never render.
            let floorNow = store.read { $0.retentionFloor }
            events.removeAll { $0.eventOffset < floorNow }
        }
        let work = events.flatMap { e in
            e.jobs.map { PlannedWork(jobID: $0.id, source: e.source, eventID: e.eventID, rule: $0.rule,
                                     actions: $0.actions.map { "\($0.api).\($0.operation)" }, previousStatus: nil, lastError: nil) }
        }
        guard !dryRun, !events.isEmpty else { return work }
        try store.appendInChunks(events.map(LogEvent.remapped)) { landed in
            engine.resume(landed.flatMap { event -> [String] in
                if case .remapped(let e) = event { return e.jobs.map(\.id) }
                return []
            })
        }
        return work
    }

    /// Refuses a source or API filter that names nothing this gateway knows: a typo would list
    /// no work, which reads as "nothing to do". A source no longer configured still counts
    /// while the log holds its events.
    public func checkFilter(_ filter: WorkFilter) throws(RecoveryFilterError) {
        if let source = filter.source {
            let known = Set(catalog.sources.keys).union(store.read { Array($0.acceptedBySource.keys) })
            guard known.contains(source) else {
                throw RecoveryFilterError("source \"\(source)\" is neither configured nor in the log (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        let apis = Set(OperationCatalog.all.map(\.api))
        if let api = filter.api, !apis.contains(api) {
            throw RecoveryFilterError("api \"\(api)\" is not one of \(apis.sorted().joined(separator: ", "))")
        }
    }

    /// `body` alone among the operator's changes, and with no retention sweep under way (see
    /// `RetentionSweeper.holdingSweeps`).
    func holdingSweeps<R: Sendable>(_ body: () throws -> R) throws -> R {
        try operatorChanges.withLock { _ in
            guard let retention else { return try body() }
            return try retention.holdingSweeps(body)
        }
    }

    func holdingSweeps<R: Sendable>(_ body: () -> R) -> R {
        operatorChanges.withLock { _ in
            guard let retention else { return body() }
            return retention.holdingSweeps(body)
        }
    }

    /// Loads route files' rules only (no secrets needed), for `remap --routes DIR`.
    public static func loadRules(directory: String) throws -> [String: RouteRules] {
        var rules: [String: RouteRules] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".json") }).sorted() {
            let name = String(file.dropLast(5))
            let path = (directory as NSString).appendingPathComponent(file)
            let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            do { rules[name] = try RouteRules.parse(source: name, text: text, operations: OperationCatalog.all) } catch {
                throw ConfigurationError("\(path)\(error.line.map { ":\($0)" } ?? ""): \(error.message)")
            }
        }
        return rules
    }
}
