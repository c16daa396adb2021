import Connectors
import Foundation
import Notify
import Routing
import Synchronization
import Threads

/// Carries jobs out, off the request path: routes received events into jobs, runs each
/// job's actions in order through the connectors, and records every step in the log
/// (`routed`, `attemptStarted` before a request leaves, `attemptFinished` after). The
/// schedule it keeps is derived from the folded state, so a restart resumes exactly where
/// the log says work stands.
final class ActionEngine: Sendable {
    private let store: EventStore
    private let router: EventRouter
    private let connectors: ConnectorSet
    private let policy: RetryPolicy
    private let logger: Logger
    /// Who is told of outcomes: each one's notification plan goes into the log with it.
    private let notifier: Notifier?
    private let scheduler = Mutex(SchedulerState())
    private let wake = DispatchSemaphore(value: 0)
    /// Where events are planned into jobs, in the order they became durable.
    private let routingQueue = DispatchQueue(label: "gatehouse.actions.routing")
    private let stopped = DispatchSemaphore(value: 0)

    /// The scheduler's own bookkeeping (not state of record: rebuilt from the fold on start).
    struct SchedulerState {
        var due = DueQueue()
        /// Ordering keys held by an unfinished job, and jobs waiting for each key, in arrival order.
        var heldKeys: [String: String] = [:]
        var waiting: [String: KeyWaiters] = [:]
        /// Jobs with an attempt under way, and received events being routed.
        var running: Set<String> = []
        var routing: Set<UInt64> = []
        /// Jobs an operator re-drove while the attempt that finished them was still being
        /// wound up: `finish` admits them once it has let go (see `resume`).
        var resumeWhenDone: Set<String> = []
        var stopping = false
        var started = false
    }

    init(store: EventStore, router: EventRouter, connectors: ConnectorSet, policy: RetryPolicy, logger: Logger,
         notifier: Notifier? = nil) {
        self.notifier = notifier
        self.store = store
        self.router = router
        self.connectors = connectors
        self.policy = policy
        self.logger = logger
    }

    // MARK: - Lifecycle

    /// Resumes open jobs (in event order, so keys are taken in the order events arrived),
    /// routes events a crash left unrouted, and starts the scheduler thread.
    func start() {
        let (open, unrouted) = store.read { s in
            (s.openJobs.compactMap { s.jobs[$0] }.sorted(by: Self.plannedBefore),
             s.unrouted)
        }
        let now = Clock.unixMilliseconds()
        let resumed = open.map { delayedUntilSettled($0, now: now) }
        scheduler.withLock { s in
            s.started = true
            for job in resumed { Self.admit(job, into: &s) }
        }
        if !open.isEmpty || !unrouted.isEmpty {
            logger.info("resuming work from the log", [("open_jobs", "\(open.count)"), ("unrouted_events", "\(unrouted.count)")])
        }
        for offset in unrouted { routeStored(offset) }
        let thread = Thread { [self] in
            ThreadName.setCurrent("actions")
            run()
        }
        thread.start()
    }

    /// Hands jobs an operator re-drove or remapped to the scheduler (no-op for finished ones).
    /// A job whose failing attempt is still running here (its outcome is folded, `finish` has
    /// not run yet) is not admitted now: the scheduler skips running ids, so it would be lost,
    /// and `finish` would then release the ordering key it holds. `finish` admits it instead.
    func resume(_ ids: [String]) {
        let now = Clock.unixMilliseconds()
        let jobs: [JobState] = store.read { s in ids.compactMap { s.jobs[$0] }.filter { !$0.isFinished } }
            .map { delayedUntilSettled($0, now: now) }
        scheduler.withLock { s in
            for job in jobs {
                if s.running.contains(job.plan.id) { s.resumeWhenDone.insert(job.plan.id) } else { Self.admit(job, into: &s) }
            }
        }
        wake.signal()
    }

    func stop() {
        let wasStarted = scheduler.withLock { s -> Bool in
            s.stopping = true
            return s.started
        }
        guard wasStarted else { return }
        wake.signal()
        stopped.wait()
        // Give attempts already sent a moment to record their outcome; any that do not are
        // resumed after the restart as outcome-unknown and checked before being sent again.
        let deadline = Clock.unixMilliseconds() + 5000
        while scheduler.withLock({ !$0.running.isEmpty }) && Clock.unixMilliseconds() < deadline { usleep(10_000) }
    }

    // MARK: - Routing

    /// Called once a received event is durable, on the log's writer thread: the planning
    /// (which parses the body) goes to a queue of its own, so a batch of large bodies does
    /// not hold up the next group commit.
    func route(_ event: ReceivedEvent, offset: UInt64) {
        // Its own record says it planned nothing (its source had no rules); writing a second
        // record per webhook to say so again cost a log append, a fold and a lock round.
        guard !event.routedAtIntake else { return }
        routingQueue.async { [self] in plan(event, offset: offset) }
    }

    private func plan(_ event: ReceivedEvent, offset: UInt64) {
        guard scheduler.withLock({ $0.routing.insert(offset).inserted }) else { return }
        // The sweep may have read the event as unrouted just before its routing was folded
        // (the fold changes before `routing` lets go): routed once is enough.
        guard store.read({ $0.isUnrouted(offset) }) else {
            scheduler.withLock { _ = $0.routing.remove(offset) }
            return
        }
        let plans = router.plan(event, offset: offset)
        let routed = RoutedEvent(eventOffset: offset, source: event.source, eventID: event.eventID,
                                 jobs: plans, routedAt: Clock.unixMilliseconds())
        store.append([.routed(routed)]) { [self] result in
            let jobs: [JobState] = result.isSuccess ? store.read { s in plans.compactMap { s.jobs[$0.id] } } : []
            scheduler.withLock { s in
                s.routing.remove(offset)
                for job in jobs where !job.isFinished { Self.admit(job, into: &s) }
            }
            if case .failure(let error) = result {
                // The event stays unrouted in the fold; the scheduler's sweep tries again.
                logger.warning("routing not recorded; will retry", [("event", event.eventID), ("error", "\(error)")])
            }
            // Most webhooks plan nothing; waking the scheduler for those cost a context
            // switch per request.
            if !jobs.isEmpty || !result.isSuccess { wake.signal() }
        }
    }

    private func routeStored(_ offset: UInt64) {
        do {
            guard case .received(let event)? = try store.record(at: offset) else { return }
            route(event, offset: offset)
        } catch {
            logger.error("cannot read a received event to route it", [("offset", "\(offset)"), ("error", "\(error)")])
        }
    }

    // MARK: - Scheduling

    /// Takes the job's ordering key if free (then it is due at its time), else queues it
    /// behind the key's holder.
    private static func admit(_ job: JobState, into s: inout SchedulerState) {
        if let key = job.plan.key {
            if let holder = s.heldKeys[key], holder != job.plan.id {
                s.waiting[key, default: KeyWaiters()].append(job.plan.id)
                return
            }
            s.heldKeys[key] = job.plan.id
        }
        s.due.push(job.plan.id, due: job.dueAt)
    }

    private func release(_ job: JobState, in s: inout SchedulerState) -> [String] {
        guard let key = job.plan.key, s.heldKeys[key] == job.plan.id else { return [] }
        s.heldKeys[key] = nil
        // In place: a copy of the list would cost its whole length on every release.
        guard let next = s.waiting[key]?.removeFirst() else { return [] }
        if s.waiting[key]?.isEmpty == true { s.waiting[key] = nil }
        return [next]
    }

    private func run() {
        var lastSweep = Int64(0)
        while true {
            let now = Clock.unixMilliseconds()
            let (due, stopping, nextDue) = scheduler.withLock { s -> ([String], Bool, Int64?) in
                if s.stopping { return ([], true, nil) }
                // An id runs once at a time, however it came to be due.
                let ids = s.due.popDue(now: now).filter { s.running.insert($0).inserted }
                return (ids, false, s.due.nextDue)
            }
            if stopping { break }
            for id in due { attempt(id) }
            if now - lastSweep > 1000 {
                lastSweep = now
                sweepUnrouted()
            }
            let waitMs = min(1000, max(1, (nextDue ?? now + 1000) - Clock.unixMilliseconds()))
            _ = wake.wait(timeout: .now() + .milliseconds(Int(waitMs)))
        }
        stopped.signal()
    }

    private func sweepUnrouted() {
        let offsets = store.read { $0.unrouted }
        let idle = scheduler.withLock { s in offsets.filter { !s.routing.contains($0) } }
        for offset in idle.sorted() { routeStored(offset) }
    }

    // MARK: - Attempts

    private func attempt(_ id: String) {
        let held = store.read { $0.jobs[id] }
        guard let job = held, !job.isFinished, let template = job.currentAction else {
            finish(id, held)
            return
        }
        let attemptNumber = job.attempts + 1
        let rendered: RenderedAction
        do {
            rendered = try render(template, for: job)
        } catch {
            record(job, attempt: attemptNumber, started: nil, status: nil, latency: 0,
                   outcome: .failed(error: "route \(job.source) rule \(job.plan.rule) action \(template.name): \(error)"))
            return
        }
        if let problem = connectors.validate(rendered) {
            record(job, attempt: attemptNumber, started: nil, status: nil, latency: 0,
                   outcome: .failed(error: "rule \(job.plan.rule) action \(template.name): \(problem)"))
            return
        }
        let mode: AttemptMode = job.outcomeUnknown || job.status == .inFlight ? .afterUnknownOutcome : .fresh
        // `attemptStarted` is made durable once the API's slot is granted, just before anything
        // leaves: its time is when requests went out, which the wait before a look-up after an
        // unknown outcome is counted from (a queue for the slot can be long when an API is slow).
        let start = AttemptStart()
        connectors.perform(rendered, mode: mode, admitted: { [self] proceed in
            let startedAt = Clock.unixMilliseconds()
            store.append([.attemptStarted(AttemptStarted(jobID: id, step: job.step, attempt: attemptNumber, at: startedAt))]) { result in
                if result.isSuccess { start.recorded(at: startedAt) }
                proceed(result.isSuccess)
            }
        }) { [self] outcome, latency in
            guard let startedAt = start.time else {
                // Nothing was sent: try again shortly without counting an attempt.
                return reschedule(id, at: Clock.unixMilliseconds() + 1000)
            }
            let firstAttemptAt = job.stepStartedAt ?? startedAt
            record(job, attempt: attemptNumber, started: firstAttemptAt, status: outcome.status,
                   latency: Int64(latency), outcome: finishedOutcome(outcome, attempt: attemptNumber, firstAttemptAt: firstAttemptAt,
                                                                      api: template.api, startedAt: startedAt))
        }
    }

    private func render(_ template: ActionTemplate, for job: JobState) throws -> RenderedAction {
        guard case .received(let event)? = try store.record(at: job.eventOffset) else {
            throw ConfigurationError("the event at offset \(job.eventOffset) is missing from the log")
        }
        let body = (try? JSONValue.parse(event.body)) ?? .null
        let context = TemplateRenderer.context(body: body, eventID: event.eventID, eventType: event.eventType, source: event.source,
                                               receivedAt: Clock.iso8601(milliseconds: event.receivedAt), actions: job.results)
        return try template.render(context: context)
    }

    /// The order jobs were planned in: by event, then by the rule's place in its route file
    /// (ids `job_<offset>_<index>`, the index compared as a number: as text, rule 10 came
    /// before rule 2 and took a shared ordering key first after a restart), then remapped
    /// jobs after the routed ones.
    static func plannedBefore(_ a: JobState, _ b: JobState) -> Bool {
        func place(_ job: JobState) -> (UInt64, Int, String) {
            let parts = job.plan.id.split(separator: "_")
            let index = parts.count == 3 && parts[0] == "job" ? Int(parts[2]) ?? Int.max : Int.max
            return (job.eventOffset, index, job.plan.id)
        }
        return place(a) < place(b)
    }

    /// `job`, due no sooner than its last attempt has settled when that attempt's outcome is
    /// unknown (in flight when the last process died, a timeout, a 500/502/504): its request
    /// may still be landing at the API, and a look-up now could miss it and create it twice.
    /// For a start's resumption and an operator's re-drive alike.
    private func delayedUntilSettled(_ job: JobState, now: Int64) -> JobState {
        guard job.status == .inFlight || job.outcomeUnknown, let api = job.currentAction?.api,
              let last = job.lastAttemptAt, let settled = settledAt(api: api, attemptStartedAt: min(last, now)) else { return job }
        var delayed = job
        delayed.dueAt = max(job.dueAt, settled)
        return delayed
    }

    /// When an attempt whose answer never came may be looked up: three of its API's timeouts
    /// after it started, i.e. two more after the client gave up. A server can still be working
    /// on a request its client abandoned, and a look-up that comes first finds nothing and
    /// creates the record again; waiting makes that unlikely, it cannot make it impossible.
    private func settledAt(api: String, attemptStartedAt: Int64) -> Int64? {
        connectors.timeoutMilliseconds(api: api).map { attemptStartedAt + 3 * $0 }
    }

    private func finishedOutcome(_ outcome: ActionOutcome, attempt: Int, firstAttemptAt: Int64,
                                 api: String, startedAt: Int64) -> AttemptFinished.Outcome {
        switch outcome {
        case .succeeded(_, let result, let note):
            return .succeeded(result: result, note: note)
        case .permanent(_, let error):
            return .failed(error: error)
        case .retryable(_, let error, let retryAfter):
            guard var next = policy.nextAttempt(after: attempt, firstAttemptAt: firstAttemptAt,
                                                now: Clock.unixMilliseconds(), retryAfterSeconds: retryAfter) else {
                return .dead(error: "gave up after \(attempt) attempt(s): \(error)")
            }
            // A 502 or 504 is a proxy that gave up: the API behind it may still be at work, as
            // after a timeout.
            if outcome.status == nil || outcome.status == 502 || outcome.status == 504,
               let settled = settledAt(api: api, attemptStartedAt: startedAt) { next = max(next, settled) }
            return .retrying(error: error, nextAttemptAt: next)
        }
    }

    private func record(_ job: JobState, attempt: Int, started: Int64?, status: Int?, latency: Int64, outcome: AttemptFinished.Outcome) {
        let finished = AttemptFinished(jobID: job.plan.id, step: job.step, attempt: attempt, at: Clock.unixMilliseconds(),
                                       latencyMs: latency, status: status, outcome: outcome)
        // The notification's plan is written with the outcome, so a crash keeps both or neither.
        let prepared = NotificationFactory.outcome(job, finished).flatMap { notifier?.prepare($0, to: job.plan.notify) }
        store.append([.attemptFinished(finished)] + (prepared?.events.map(LogEvent.delivery) ?? [])) { [self] result in
            if let prepared, let notifier { result.isSuccess ? notifier.admit(prepared) : notifier.release(prepared) }
            // Too large for the log (an answer near its limit, with the notification beside it)
            // never fits however often it is tried: the outcome is recorded with its result or
            // error cut down instead, and the job goes on.
            if case .failure(.recordTooLarge(let bytes)) = result, let smaller = Self.shrunk(outcome) {
                logger.warning("attempt outcome too large for the log; recording it without the API's full answer",
                               [("job", job.plan.id), ("bytes", "\(bytes)")])
                return record(job, attempt: attempt, started: started, status: status, latency: latency, outcome: smaller)
            }
            guard result.isSuccess else {
                // The outcome stands; only its record failed (a full log queue, say). Recording
                // is tried again, not the request: sent again at once, it would ignore a
                // Retry-After, skip the wait before a look-up, or resend a permanent failure.
                // The job stays running meanwhile; after a stop or a crash the fold still has
                // it in flight, so the next start treats the outcome as unknown.
                logger.warning("attempt outcome not recorded; recording it again", [("job", job.plan.id)])
                guard !scheduler.withLock({ $0.stopping }) else { return finish(job.plan.id, nil) }
                DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(1)) { [self] in
                    record(job, attempt: attempt, started: started, status: status, latency: latency, outcome: outcome)
                }
                return
            }
            switch outcome {
            case .succeeded, .retrying:
                let next = store.read { $0.jobs[job.plan.id] }
                if let next, !next.isFinished { reschedule(job.plan.id, at: next.dueAt) } else { finish(job.plan.id, job) }
            case .failed(let error), .dead(let error):
                logger.warning(outcomeLabel(outcome), [("job", job.plan.id), ("source", job.source), ("event", job.eventID), ("error", error)])
                finish(job.plan.id, job)
            }
        }
    }

    /// `outcome` with its result kept to the record's id (what later actions most often use)
    /// or its error text to 4 KiB; nil when there is nothing left to cut.
    static func shrunk(_ outcome: AttemptFinished.Outcome) -> AttemptFinished.Outcome? {
        let limit = 4096
        func cut(_ text: String) -> String? { text.utf8.count > limit ? String(decoding: text.utf8.prefix(limit), as: UTF8.self) + "…" : nil }
        switch outcome {
        case .succeeded(let result, let note):
            var kept: [String: JSONValue] = ["result_dropped": .string("the API's answer was too large for the log")]
            if let id = result[path: "id"], id.serialized().count <= 256 { kept["id"] = id }
            let smaller = JSONValue.object(kept)
            return smaller == result ? nil : .succeeded(result: smaller, note: note.map { cut($0) ?? $0 })
        case .retrying(let error, let next): return cut(error).map { .retrying(error: $0, nextAttemptAt: next) }
        case .failed(let error): return cut(error).map { .failed(error: $0) }
        case .dead(let error): return cut(error).map { .dead(error: $0) }
        }
    }

    private func outcomeLabel(_ outcome: AttemptFinished.Outcome) -> String {
        if case .dead = outcome { return "action dead-lettered" }
        return "action failed permanently"
    }

    private func reschedule(_ id: String, at due: Int64) {
        scheduler.withLock { s in
            s.running.remove(id)
            s.resumeWhenDone.remove(id)  // due again below anyway
            s.due.push(id, due: due)
        }
        wake.signal()
    }

    /// Ends the engine's hold on job `id`: its ordering key (`job` says which; a succeeded
    /// job has left `jobs` for the settled table, so the caller passes the copy it ran) goes to
    /// the next job waiting for it.
    private func finish(_ id: String, _ job: JobState?) {
        // One lock round: the key goes to its next waiter before anything else (an operator's
        // resume) can take it, so a key's jobs keep their event order.
        let admitted: Bool = scheduler.withLock { s in
            s.running.remove(id)
            var next: [JobState] = []
            if let job { next = release(job, in: &s).compactMap { nid in store.read { $0.jobs[nid] } } }
            if s.resumeWhenDone.remove(id) != nil, let again = store.read({ $0.jobs[id] }), !again.isFinished { next.append(again) }
            for n in next { Self.admit(n, into: &s) }
            return !next.isEmpty
        }
        if admitted { wake.signal() }
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { return true } else { return false } }
}

extension ActionOutcome {
    var status: Int? {
        switch self {
        case .succeeded(let status, _, _): return status
        case .retryable(let status, _, _): return status
        case .permanent(let status, _): return status
        }
    }
}
