import Foundation
import Routing
import Synchronization
import Threads

/// One subscriber's queue and its own worker thread, so a slow or dead subscriber holds up
/// nobody else. One polling worker drives `concurrency` keep-alive connections, over TLS
/// for `https://`. Every attempt's start is recorded durably before the request leaves and
/// its outcome after; every decision about the subscriber is made in `LaneSchedule`.
final class SubscriberLane: Sendable {
    let subscriber: Subscriber
    let policy: DeliveryPolicy
    let matcher: TypeMatcher
    let target: DeliveryTarget?
    let allowPrivate: Bool
    let abort = AbortSignal()
    /// Set when the config cannot be used at all: attempts fail with it, nothing is sent.
    private let problem: String?
    private let journal: any DeliveryJournal
    private let logger: @Sendable (String) -> Void
    private let schedule: Mutex<LaneSchedule>
    let waker: LaneWaker
    private let exited = DispatchSemaphore(value: 0)
    /// For `https://`: the TLS settings every connection of this subscriber starts with.
    let tls: TLSClientContext?
    private let extraHeaders: [(String, String)]
    private let redactions: [String]
    private let started = Atomic<Int>(0)

    var id: String { subscriber.config.id }

    init(subscriber: Subscriber, problem: String?, allowPrivate: Bool, journal: any DeliveryJournal,
         logger: @escaping @Sendable (String) -> Void) {
        self.subscriber = subscriber
        self.policy = DeliveryPolicy(subscriber.config)
        self.matcher = .patterns(subscriber.config.types)
        let parsed = try? DeliveryTarget.parse(subscriber.config.url)
        self.target = parsed
        var tlsProblem: String?
        if parsed?.scheme == .https {
            do { tls = try TLSClientContext(caFile: subscriber.config.caFile) } catch {
                tls = nil
                tlsProblem = error.description
            }
        } else {
            tls = nil
        }
        self.problem = problem ?? (parsed == nil ? "url is not usable" : tlsProblem)
        self.allowPrivate = allowPrivate
        self.journal = journal
        self.logger = logger
        schedule = Mutex(LaneSchedule(subscriberID: subscriber.config.id, policy: policy, now: WallClock.milliseconds()))
        waker = LaneWaker()
        extraHeaders = (subscriber.config.headers ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        // What the subscriber is sent that may be a credential, as it could come back in an
        // error body: each header value, its last word (the token after "Bearer "), and the
        // URL's query values and whole request target (a token in the query).
        var secrets = extraHeaders.map(\.1)
        secrets += extraHeaders.compactMap { $0.1.split(separator: " ").last.map(String.init) }
        if let parsed, parsed.requestTarget.contains("?") {
            secrets.append(parsed.requestTarget)
            let query = parsed.requestTarget.split(separator: "?", maxSplits: 1).last ?? ""
            secrets += query.split(separator: "&").compactMap { $0.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) }
        }
        redactions = secrets
    }

    // MARK: - Lifecycle

    func start() {
        let bodies: [@Sendable () -> Void] = [{ [self] in PollingWorker(lane: self).run() }]
        started.store(bodies.count, ordering: .relaxed)
        for (n, body) in bodies.enumerated() {
            let thread = Thread { [self] in
                ThreadName.setCurrent("notify-\(n)")
                body()
                exited.signal()
            }
            thread.start()
        }
    }

    /// Stops taking work; requests under way may finish.
    func beginStop() {
        schedule.withLock { $0.stop() }
        waker.signal(policy.concurrency)
    }

    /// Waits for the workers until `deadline` (monotonic ns), then aborts requests still out
    /// and waits for the workers to notice.
    func finishStop(deadline: Int64) {
        var remaining = started.exchange(0, ordering: .relaxed)
        while remaining > 0 {
            let left = deadline - WallClock.monotonicNanoseconds()
            if left <= 0 { break }
            if exited.wait(timeout: .now() + .nanoseconds(Int(left))) == .timedOut { break }
            remaining -= 1
        }
        if remaining > 0 {
            abort.raise()
            waker.signal(policy.concurrency)
            for _ in 0..<remaining { exited.wait() }
        }
    }

    // MARK: - Admission (any thread)

    func reserve(_ deliveryID: String) -> LaneSchedule.Reservation {
        schedule.withLock { $0.reserve(deliveryID) }
    }

    func unreserve(_ deliveryID: String) { schedule.withLock { $0.unreserve(deliveryID) } }

    func admit(_ deliveries: [OpenDelivery]) {
        guard !deliveries.isEmpty else { return }
        let wakeups = schedule.withLock { s in
            for d in deliveries { s.admit(d) }
            return s.wakeups(for: deliveries.count)
        }
        waker.signal(wakeups)
    }

    func isRunning(_ deliveryID: String) -> Bool { schedule.withLock { $0.isRunning(deliveryID) } }

    func restore(_ health: SubscriberHealth?, open records: [DeliveryRecord], now: Int64) {
        let deliveries = records.map { r in
            // In flight at the crash: its outcome is unknown, so it goes again now (same
            // webhook-id, receivers can drop the repeat). Otherwise it keeps its due time.
            let due = r.status == .inFlight ? now
                : r.roundAttempts == 0 ? max(r.nextAttemptAt, policy.firstAttemptAt(r.plannedAt)) : r.nextAttemptAt
            return OpenDelivery(id: r.id, body: NotificationBody.encode(r.notification), attempts: r.attempts,
                                roundAttempts: r.roundAttempts, dueAt: due)
        }
        schedule.withLock { s in
            if let health { s.restore(health) }
            for d in deliveries { s.admit(d) }
        }
        wakeAll()
    }

    func enable() {
        schedule.withLock { $0.enable() }
        wakeAll()
    }

    func wakeAll() {
        waker.signal(schedule.withLock { $0.wakeups(for: policy.concurrency) })
    }

    // MARK: - For the workers

    func take(now: Int64, limit: Int, workers: Int, after wake: LaneSchedule.Wake?) -> LaneSchedule.Take {
        schedule.withLock { $0.take(now: now, limit: limit, workers: workers, after: wake) }
    }

    /// Records the starts and waits until they are durable; if they are not, the batch goes
    /// back to the queue uncounted (nothing was sent) and false is returned.
    func recordStarts(_ batch: [OpenDelivery]) -> Bool {
        let at = WallClock.milliseconds()
        let starts = batch.map { DeliveryEvent.attemptStarted(deliveryID: $0.id, attempt: $0.attempts, at: at) }
        if RecordWaiter.record(starts, in: journal) { return true }
        schedule.withLock { $0.release(batch, retryAt: WallClock.milliseconds() + 1000) }
        logger("notify: subscriber \(id): could not record the start of \(batch.count) attempt(s); nothing sent, trying again in 1 s")
        return false
    }

    enum Prepared {
        case send(OutboundRequest)
        /// The subscriber's config is refused: the attempt fails without sending.
        case refuse(AttemptVerdict)
    }

    /// The signed request for one attempt (the timestamp is this attempt's).
    func prepare(_ d: OpenDelivery) -> Prepared {
        guard problem == nil, let target else {
            let error = "not sent: subscriber configuration refused: \(problem ?? "url is not usable")"
            return .refuse(AttemptVerdict(kind: .retry(error: error, retryAfterSeconds: nil, throttled: false), status: nil, latencyMs: 0))
        }
        let headers = NotificationSigner.headers(webhookID: d.id, body: d.body, keys: subscriber.keys,
                                                 attemptTimestamp: WallClock.milliseconds() / 1000) + extraHeaders
        return .send(OutboundRequest(target: target, headers: headers, body: d.body))
    }

    func judge(_ result: SendResult) -> AttemptVerdict? {
        AttemptVerdict.judge(result, nowMs: WallClock.milliseconds(), redact: redactions)
    }

    /// Applies a verdict. Outcomes of deliveries are collected in `outcomes` and recorded
    /// together (`flush`); anything else (a retry, a circuit or disable change) is recorded at
    /// once, and a retry is requeued only after its outcome is handed to the journal, so its
    /// next start always follows it. Returns why the caller must stop sending, if it must.
    func finish(_ d: OpenDelivery, _ verdict: AttemptVerdict, outcomes: inout [DeliveryEvent]) -> String? {
        let (events, retry, gate) = schedule.withLock { s in
            let now = WallClock.milliseconds()
            let (events, retry) = s.complete(d, verdict, now: now)
            return (events, retry, s.holdReason(now: now))
        }
        outcomes += events
        let failed = verdict.kind != .delivered
        if failed || events.count > 1 {
            flush(&outcomes)
            if retry { schedule.withLock { $0.requeue([d.id]) } }
            report(events)
            wakeAll()
        }
        return failed ? "held back: an earlier request of its batch failed" : gate
    }

    /// Records deliveries taken but not sent (the circuit opened, the notifier is stopping)
    /// as `notSent`, then makes them due again.
    func giveBack(_ rest: ArraySlice<OpenDelivery>, reason: String, outcomes: inout [DeliveryEvent]) {
        guard !rest.isEmpty else { return }
        outcomes += schedule.withLock { $0.giveBack(rest, reason: reason, now: WallClock.milliseconds()) }
        flush(&outcomes)
        schedule.withLock { $0.requeue(rest.map(\.id)) }
        wakeAll()
    }

    /// An attempt a stop aborted: left in flight in the journal (a restart sends it again).
    func abandon(_ d: OpenDelivery) { schedule.withLock { $0.abandon(d) } }

    func flush(_ outcomes: inout [DeliveryEvent]) {
        guard !outcomes.isEmpty else { return }
        let events = outcomes
        outcomes = []
        let logger = logger, id = id
        journal.record(events) { ok in
            // Not durable: the journal still shows the attempt in flight, so a restart sends
            // it again; in this process the schedule goes on as decided.
            if !ok { logger("notify: subscriber \(id): \(events.count) delivery event(s) could not be recorded") }
        }
    }

    /// Logs what an operator must hear about: dead or failed deliveries, circuit and
    /// disable changes. Plain retries are in the journal, not the log.
    private func report(_ events: [DeliveryEvent]) {
        for event in events {
            switch event {
            case .attemptFinished(let deliveryID, let attempt, _, _, _, .dead(let error)):
                logger("notify: delivery \(deliveryID) dead after attempt \(attempt): \(error)")
            case .attemptFinished(let deliveryID, _, _, _, _, .failed(let error)):
                logger("notify: delivery \(deliveryID) failed: \(error)")
            case .subscriberDisabled(let subscriber, let reason, _):
                logger("notify: subscriber \(subscriber) disabled: \(reason); its deliveries wait until it is enabled")
            case .circuitOpened(let subscriber, _, let until):
                logger("notify: subscriber \(subscriber) circuit opened after \(policy.maxConsecutiveFailures)+ failures; next probe at \(ISO8601Milliseconds.format(until))")
            case .circuitClosed(let subscriber, _):
                logger("notify: subscriber \(subscriber) circuit closed: probe delivered")
            default:
                break
            }
        }
    }
}
