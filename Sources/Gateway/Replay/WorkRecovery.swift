import EventLog
import Foundation
import Routing

/// The operator's recovery verbs, shared by `gatehouse replay` (offline) and the running
/// server: re-drive failed or dead jobs, and remap past events through today's routes.
/// Both list what they would do first (`dryRun`); a real run appends its decisions to the
/// log (`requeued`, `remapped`) and hands the jobs to the action engine.
extension Gateway {
    public func redrive(_ filter: WorkFilter, dryRun: Bool) throws -> [PlannedWork] {
        let chosen: [JobState] = store.read { s in
            s.jobs.values.filter { job in
                filter.statuses.contains(job.status)
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
        try appendAndWait(chosen.map { .requeued(JobRequeued(jobID: $0.plan.id, at: now, reason: "operator re-drive")) })
        engine.resume(chosen.map(\.plan.id))
        return work
    }

    /// Runs every matching past event through `rules` (today's route files) and plans the
    /// rules that never ran for it, with fresh job ids. A rule already planned for an event is
    /// skipped whatever its outcome, so nothing that succeeded is repeated (failed work is
    /// for `redrive`).
    public func remap(rules: [String: RouteRules], filter: WorkFilter, dryRun: Bool) throws -> [PlannedWork] {
        let router = EventRouter(rules: rules)
        let planned: [UInt64: Set<String>] = store.read { s in
            var byEvent: [UInt64: Set<String>] = [:]
            for job in s.jobs.values { byEvent[job.eventOffset, default: []].insert(job.plan.rule) }
            return byEvent
        }
        let stamp = Clock.unixMilliseconds()
        var events: [LogEvent] = []
        var work: [PlannedWork] = []
        try store.log.read(from: 0) { record in
            guard case .received(let event) = try LogEvent.decode(record.payload),
                  filter.source == nil || event.source == filter.source,
                  filter.eventType == nil || event.eventType == filter.eventType,
                  filter.admits(time: event.receivedAt),
                  store.read({ $0.receivedOffset(of: DedupeKey(source: event.source, eventID: event.eventID)) == record.offset }) else { return true }
            let already = planned[record.offset] ?? []
            let fresh = router.plan(event, offset: record.offset).filter { !already.contains($0.rule) }.map { plan in
                JobPlan(id: "\(plan.id)_remap\(stamp)", rule: plan.rule, key: plan.key, actions: plan.actions, notify: plan.notify)
            }
            guard !fresh.isEmpty else { return true }
            events.append(.remapped(RoutedEvent(eventOffset: record.offset, source: event.source, eventID: event.eventID,
                                                jobs: fresh, routedAt: stamp)))
            work += fresh.map { PlannedWork(jobID: $0.id, source: event.source, eventID: event.eventID, rule: $0.rule,
                                            actions: $0.actions.map { "\($0.api).\($0.operation)" }, previousStatus: nil, lastError: nil) }
            return true
        }
        guard !dryRun, !events.isEmpty else { return work }
        try appendAndWait(events)
        engine.resume(work.map(\.jobID))
        return work
    }

    /// Loads route files' rules only (no secrets needed), for `remap --routes DIR`.
    public static func loadRules(directory: String) throws -> [String: RouteRules] {
        var rules: [String: RouteRules] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).filter({ $0.hasSuffix(".json") }).sorted() {
            let name = String(file.dropLast(5))
            let path = (directory as NSString).appendingPathComponent(file)
            let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
            do { rules[name] = try RouteRules.parse(source: name, text: text) } catch {
                throw ConfigurationError("\(path)\(error.line.map { ":\($0)" } ?? ""): \(error.message)")
            }
        }
        return rules
    }

    private func appendAndWait(_ events: [LogEvent]) throws {
        let done = DispatchSemaphore(value: 0)
        let outcome = OutcomeBox()
        store.append(events) { result in
            if case .failure(let error) = result { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}

/// Carries an append's error from the log's writer thread back to the waiting caller.
private final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: LogError?
    func set(_ e: LogError) { lock.lock(); stored = e; lock.unlock() }
    var error: LogError? { lock.lock(); defer { lock.unlock() }; return stored }
}
