/// One subscriber's scheduling state: which deliveries are open and when they are due,
/// which are being attempted, and the subscriber-wide gates (disabled, circuit breaker,
/// back-off pause, rate limit). A value behind the lane's mutex; every decision about the
/// subscriber is made here, in one place, and returns the events that record it.
/// It is not state of record: `start` rebuilds it from the journal's fold.
struct LaneSchedule {
    enum Take {
        case work([OpenDelivery])
        /// Nothing to do before `until` (nil: until woken).
        case wait(until: Int64?)
        case stop
    }

    enum Reservation { case reserved, duplicate, disabled }

    let subscriberID: String
    let policy: DeliveryPolicy
    private var heap = DueHeap()
    private(set) var open: [String: OpenDelivery] = [:]
    private var running: Set<String> = []
    private var reserved: Set<String> = []
    /// Admitted while an attempt of the same delivery ran (an operator's redelivery racing a
    /// worker): taken up once that attempt completes, not dropped.
    private var readmit: [String: OpenDelivery] = [:]
    private(set) var disabled = false
    private(set) var circuit = CircuitState.closed
    /// The delivery sent as the half-open probe, while it is out.
    private var probeID: String?
    private(set) var consecutiveFailures = 0
    private(set) var failingSince: Int64?
    private var pausedUntil: Int64 = 0
    private var bucket: TokenBucket?
    private var stopping = false
    /// Workers waiting for work, and signals already sent to them that they have not yet
    /// taken: new work wakes only as many workers as can use it, not all of them.
    private var idle = 0
    private var signalsOwed = 0

    enum Wake { case signalled, timedOut }

    init(subscriberID: String, policy: DeliveryPolicy, now: Int64) {
        self.subscriberID = subscriberID
        self.policy = policy
        if let rate = policy.rateLimitPerSecond, rate > 0 { bucket = TokenBucket(rate: rate, now: now) }
    }

    // MARK: - Admission

    /// Takes the id for a delivery about to be planned, so two publishes of the same
    /// notification plan it once.
    mutating func reserve(_ id: String) -> Reservation {
        if disabled { return .disabled }
        if open[id] != nil || reserved.contains(id) { return .duplicate }
        reserved.insert(id)
        return .reserved
    }

    mutating func unreserve(_ id: String) { reserved.remove(id) }

    /// Queues a delivery (new, resumed, or redelivered). One being attempted is queued again
    /// once that attempt completes.
    mutating func admit(_ d: OpenDelivery) {
        reserved.remove(d.id)
        guard !running.contains(d.id) else {
            readmit[d.id] = d
            return
        }
        open[d.id] = d
        heap.push(d.id, due: d.dueAt)
    }

    func isRunning(_ id: String) -> Bool { running.contains(id) }

    /// Adopts what the journal's fold says about the subscriber (at start).
    mutating func restore(_ health: SubscriberHealth) {
        disabled = health.disabled
        circuit = health.circuit
        consecutiveFailures = health.consecutiveFailures
        failingSince = health.failingSince
    }

    mutating func enable() {
        disabled = false
        circuit = .closed
        probeID = nil
        consecutiveFailures = 0
        failingSince = nil
        pausedUntil = 0
    }

    mutating func stop() { stopping = true }

    // MARK: - Taking work

    /// Up to `limit` due deliveries, each with its attempt counted, or how long to wait.
    /// A subscriber that has just failed gets one request at a time; an open circuit gets
    /// none until its time is up, then exactly one probe.
    /// `workers` is how many takers share the queue: a blocking worker's batch is its share
    /// (so one slow answer holds up only its own batch); the polling worker takes one per
    /// free connection.
    mutating func take(now: Int64, limit wanted: Int, workers: Int, after wake: Wake?) -> Take {
        if let wake {
            idle -= 1
            if wake == .signalled { signalsOwed = max(0, signalsOwed - 1) }
        }
        let result = nextTake(now: now, limit: wanted, workers: workers)
        if case .wait = result { idle += 1 }
        return result
    }

    /// How many waiting workers to signal for `n` new pieces of work (and counts them as owed).
    mutating func wakeups(for n: Int) -> Int {
        let k = max(0, min(n, idle - signalsOwed))
        signalsOwed += k
        return k
    }

    private mutating func nextTake(now: Int64, limit wanted: Int, workers: Int) -> Take {
        if stopping { return .stop }
        if disabled { return .wait(until: nil) }
        let waiting = open.count - running.count
        var limit = consecutiveFailures > 0 ? 1 : max(1, min(wanted, waiting / max(1, workers)))
        var isProbe = false
        if case .open(let until) = circuit {
            if now < until { return .wait(until: until) }
            if probeID != nil { return .wait(until: nil) }
            isProbe = true
            limit = 1
        }
        if now < pausedUntil { return .wait(until: pausedUntil) }
        // After a failure, one request at a time for the whole subscriber (every worker and
        // connection slot asks on its own): the next waits until the one under way is done.
        if consecutiveFailures > 0 && !running.isEmpty { return .wait(until: nil) }
        guard let due = nextValidDue() else { return .wait(until: nil) }
        if due > now { return .wait(until: due) }
        if bucket != nil {
            let granted = bucket!.take(limit, now: now)
            if granted == 0 { return .wait(until: bucket!.nextTokenAt(now: now)) }
            limit = granted
        }
        var batch: [OpenDelivery] = []
        while batch.count < limit, let entry = heap.first, entry.due <= now {
            heap.pop()
            // The stored copy keeps its old counts while the attempt runs: every way out of
            // `running` (complete, giveBack, release) writes the delivery back.
            guard var d = open[entry.id], !running.contains(entry.id), d.dueAt == entry.due else { continue }
            d.attempts += 1
            d.roundAttempts += 1
            running.insert(entry.id)
            batch.append(d)
        }
        if batch.count < limit { bucket?.refund(limit - batch.count) }
        if isProbe { probeID = batch.first?.id }
        return .work(batch)
    }

    /// The earliest due time of a live entry, dropping dead heap entries on the way.
    private mutating func nextValidDue() -> Int64? {
        while let entry = heap.first {
            if let d = open[entry.id], !running.contains(entry.id), d.dueAt == entry.due { return entry.due }
            heap.pop()
        }
        return nil
    }

    /// Why a batch must stop before its next request, if it must: something changed since
    /// it was taken (the circuit opened, the subscriber was disabled or asked to back off).
    func holdReason(now: Int64) -> String? {
        if stopping { return "notifier stopping" }
        if disabled { return "subscriber disabled" }
        if case .open = circuit { return "circuit open" }
        if now < pausedUntil { return "subscriber asked to back off" }
        return nil
    }

    // MARK: - Outcomes

    /// Deliveries taken but not sent because their start could not be recorded: nothing was
    /// recorded, so nothing is counted; they are due again at `retryAt`.
    mutating func release(_ batch: [OpenDelivery], retryAt: Int64) {
        for d in batch { requeueUnsent(d, dueAt: retryAt) }
    }

    /// Deliveries whose start was recorded but which were not sent: recorded as `notSent`.
    /// They stay taken until `requeue` (after the events are handed to the journal), so no
    /// other worker can record a new start for them before this outcome.
    mutating func giveBack(_ rest: ArraySlice<OpenDelivery>, reason: String, now: Int64) -> [DeliveryEvent] {
        rest.map { d in
            if probeID == d.id { probeID = nil }
            var back = d
            back.attempts -= 1
            back.roundAttempts -= 1
            back.dueAt = now
            open[d.id] = back
            return .attemptFinished(deliveryID: d.id, attempt: d.attempts, at: now, status: nil, latencyMs: 0,
                                    outcome: .notSent(reason: reason, nextAt: now))
        }
    }

    /// Makes deliveries kept taken by `giveBack` or `complete` due again.
    mutating func requeue(_ ids: [String]) {
        for id in ids {
            running.remove(id)
            if let d = open[id] { heap.push(id, due: d.dueAt) }
        }
    }

    private mutating func requeueUnsent(_ d: OpenDelivery, dueAt: Int64) {
        running.remove(d.id)
        if probeID == d.id { probeID = nil }
        var back = d
        back.attempts -= 1
        back.roundAttempts -= 1
        back.dueAt = dueAt
        open[d.id] = back
        heap.push(d.id, due: dueAt)
    }

    /// Applies an attempt's verdict: closes the delivery or schedules its retry, moves the
    /// circuit, pauses or disables the subscriber. Returns the events to record, the attempt
    /// first, and whether the delivery awaits `requeue` (a retry stays taken until its
    /// outcome is handed to the journal, so the next start is always recorded after it).
    mutating func complete(_ d: OpenDelivery, _ verdict: AttemptVerdict, now: Int64) -> (events: [DeliveryEvent], retry: Bool) {
        var retry = false
        running.remove(d.id)
        let wasProbe = probeID == d.id
        if wasProbe { probeID = nil }
        var follow: [DeliveryEvent] = []
        let outcome: DeliveryOutcome
        switch verdict.kind {
        case .delivered:
            outcome = .delivered
            open[d.id] = nil
            consecutiveFailures = 0
            failingSince = nil
            if case .open = circuit {
                circuit = .closed
                follow.append(.circuitClosed(subscriberID: subscriberID, at: now))
            }
        case .gone(let error):
            outcome = .failed(error: error)
            open[d.id] = nil
            noteFailure(now)
            if !disabled {
                disabled = true
                follow.append(.subscriberDisabled(subscriberID: subscriberID, reason: "answered 410 Gone", at: now))
            }
        case .retry(let error, let retryAfter, let throttled):
            noteFailure(now)
            if let next = policy.nextAttempt(afterRoundAttempts: d.roundAttempts, now: now, retryAfterSeconds: retryAfter) {
                outcome = .retrying(error: error, nextAt: next)
                var again = d
                again.dueAt = next
                open[d.id] = again
                running.insert(d.id)
                retry = true
                if throttled {
                    let pause = retryAfter.map { min($0, DeliveryPolicy.maxRetryAfterSeconds) }
                        ?? min(Double(next - now) / 1000, DeliveryPolicy.maxThrottlePauseSeconds)
                    pausedUntil = max(pausedUntil, now + Int64(pause * 1000))
                }
            } else {
                outcome = .dead(error: "gave up after \(d.roundAttempts) attempt(s): \(error)")
                open[d.id] = nil
            }
            if wasProbe || (circuit == .closed && consecutiveFailures >= policy.maxConsecutiveFailures) {
                let until = now + policy.circuitOpenMs
                circuit = .open(until: until)
                follow.append(.circuitOpened(subscriberID: subscriberID, at: now, until: until))
            }
            if !disabled, let since = failingSince, now - since >= policy.disableAfterMs {
                disabled = true
                let reason = "failing without a success since \(ISO8601Milliseconds.format(since))"
                follow.append(.subscriberDisabled(subscriberID: subscriberID, reason: reason, at: now))
            }
        }
        // A redelivery admitted during the attempt starts its fresh round now, whatever this
        // attempt's outcome (the journal holds its request after this attempt's start).
        if let again = readmit.removeValue(forKey: d.id) {
            open[d.id] = again
            if !retry { heap.push(d.id, due: again.dueAt) }
        }
        // The last open delivery finished or given up: the run of failures ends with it, or
        // a lone failure days later (nothing to send in between) would count the idle days.
        if open.isEmpty { failingSince = nil }
        let finished = DeliveryEvent.attemptFinished(deliveryID: d.id, attempt: d.attempts, at: now, status: verdict.status,
                                                     latencyMs: verdict.latencyMs, outcome: outcome)
        return ([finished] + follow, retry)
    }

    /// An attempt aborted by a stop: its outcome is unknown, so it stays in flight in the
    /// journal and is not requeued here (the notifier is going away).
    mutating func abandon(_ d: OpenDelivery) {
        running.remove(d.id)
        readmit.removeValue(forKey: d.id)
        if probeID == d.id { probeID = nil }
    }

    private mutating func noteFailure(_ now: Int64) {
        consecutiveFailures += 1
        if failingSince == nil { failingSince = now }
    }
}
