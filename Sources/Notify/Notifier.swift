import Dispatch
import Routing
import Synchronization

/// Outbound notifications: fans each published notification out to the subscribers whose
/// types match (plus any a route's rule names), and delivers each as a signed webhook with
/// retries, a circuit breaker, a rate limit and an SSRF guard, recording every step in the
/// journal so a restart resumes exactly where delivery stood. Nothing here blocks the
/// caller: publishing records the plan and returns; each subscriber's own workers send.
public final class Notifier: Sendable {
    let lanes: [String: SubscriberLane]
    /// Config order, for matching: deterministic fan-out order in the journal.
    private let order: [SubscriberLane]
    let journal: any DeliveryJournal
    let logger: @Sendable (String) -> Void
    private let lifecycle = Mutex(Lifecycle.created)
    /// Unknown subscriber names already reported: a route naming one would otherwise log a
    /// line for every event it matches.
    private let reportedUnknown = Mutex<Set<String>>([])

    private enum Lifecycle { case created, running, stopped }

    /// How long `stop` lets requests under way finish before aborting them.
    public static let stopGraceSeconds = 5.0
    /// How often planning is retried while the journal refuses records.
    static let planRetryMilliseconds = 1000

    /// Subscribers whose config is unusable (see `validate`) are kept, but never sent to:
    /// their deliveries are recorded as failing with the reason, and the reason is logged.
    public init(subscribers: [Subscriber], journal: any DeliveryJournal, allowPrivateAddresses: Bool,
                logger: @escaping @Sendable (String) -> Void) {
        var lanes: [String: SubscriberLane] = [:]
        var order: [SubscriberLane] = []
        for subscriber in subscribers {
            guard lanes[subscriber.id] == nil else {
                logger("notify: subscriber \"\(subscriber.id)\" is configured twice; the first one is used")
                continue
            }
            var problem: String?
            do {
                try SubscriberValidator.validate(subscriber.config, allowPrivateAddresses: allowPrivateAddresses)
                if subscriber.keys.isEmpty || subscriber.keys.contains(where: \.isEmpty) {
                    problem = "no signing key (every key must be non-empty)"
                }
            } catch {
                problem = error.reason
            }
            if let problem { logger("notify: subscriber \"\(subscriber.id)\" will not be sent to: \(problem)") }
            let lane = SubscriberLane(subscriber: subscriber, problem: problem, allowPrivate: allowPrivateAddresses,
                                      journal: journal, logger: logger)
            lanes[subscriber.id] = lane
            order.append(lane)
        }
        self.lanes = lanes
        self.order = order
        self.journal = journal
        self.logger = logger
    }

    /// Checks subscriber configs as the gateway loads them: ids unique, URLs usable, patterns,
    /// headers and numbers valid, and (unless `allowPrivateAddresses`) every address each
    /// host resolves to public. The error names the subscriber.
    public static func validate(_ configs: [SubscriberConfig], allowPrivateAddresses: Bool) throws(NotifyConfigurationError) {
        var seen: Set<String> = []
        for config in configs {
            guard seen.insert(config.id).inserted else {
                throw NotifyConfigurationError(subscriberID: config.id, reason: "id is used by two subscribers")
            }
            try SubscriberValidator.validate(config, allowPrivateAddresses: allowPrivateAddresses)
        }
    }

    // MARK: - Lifecycle

    /// Resumes every open delivery the journal holds at its due time (one in flight at a
    /// crash goes at once; a delivered one never again), restores each subscriber's
    /// disabled and circuit state, and starts the workers.
    public func start() {
        let proceed = lifecycle.withLock { state -> Bool in
            guard state == .created else { return false }
            state = .running
            return true
        }
        guard proceed else { return }
        let state = journal.state()
        let now = WallClock.milliseconds()
        var open: [String: [DeliveryRecord]] = [:]
        for record in state.openDeliveries { open[record.subscriberID, default: []].append(record) }
        for lane in order {
            lane.restore(state.subscribers[lane.id], open: open.removeValue(forKey: lane.id) ?? [], now: now)
        }
        let resumed = state.openDeliveryIDs.count - open.values.reduce(0) { $0 + $1.count }
        if resumed > 0 { logger("notify: resuming \(resumed) open deliver\(resumed == 1 ? "y" : "ies") from the journal") }
        for (subscriber, records) in open.sorted(by: { $0.key < $1.key }) {
            logger("notify: \(records.count) open deliveries for subscriber \"\(subscriber)\", which is no longer configured, wait until it is")
        }
        for lane in order { lane.start() }
    }

    /// Stops taking work, lets requests under way finish (up to `graceSeconds`, then
    /// aborts them: those stay in flight in the journal and go again after a restart), and
    /// returns when every worker has exited. Nothing is recorded after it returns.
    public func stop(graceSeconds: Double = Notifier.stopGraceSeconds) {
        let wasRunning = lifecycle.withLock { state -> Bool in
            defer { state = .stopped }
            return state == .running
        }
        guard wasRunning else { return }
        for lane in order { lane.beginStop() }
        let deadline = WallClock.monotonicNanoseconds() + Int64(max(0, graceSeconds) * 1_000_000_000)
        for lane in order { lane.finishStop(deadline: deadline) }
    }

    /// The journal's fold: every delivery and subscriber as recorded.
    public func snapshot() -> DeliveryState { journal.state() }

    // MARK: - Publishing

    /// Whether any subscriber takes notifications of `type`: callers skip building ones
    /// nobody would receive (the intake asks once per webhook).
    public func wants(_ type: String) -> Bool {
        order.contains { $0.matcher.matches(type) }
    }

    /// Plans `notification` in a journal write of its own and returns at once (see `prepare`
    /// for the matching). A crash before that write lands loses the notification: a caller
    /// reporting a record of its own uses `prepare` and writes the plan beside it instead.
    public func publish(_ notification: Notification, to explicit: [String] = []) {
        guard lifecycle.withLock({ $0 != .stopped }) else {
            logger("notify: notifier stopped; notification \(notification.id) (\(notification.type)) not planned")
            return
        }
        guard let prepared = prepare(notification, to: explicit) else { return }
        plan(prepared, tries: 1)
    }

    /// Reserves `notification` for every enabled subscriber whose types match its type, plus
    /// the `explicit` subscriber ids (a route's rule may name them), once each, and returns
    /// the `planned` events for the caller to write; nil when nobody takes it. A notification
    /// already planned for a subscriber is not planned again; a disabled subscriber gets
    /// nothing until it is enabled.
    /// `excluding`: subscribers to leave out (a start's repair passes those the log says are
    /// disabled, before the lanes know it).
    /// Also once the notifier has stopped: the plan is only records for the caller's append,
    /// sent after the next start. An action that finishes during a stop writes its outcome
    /// with its plan; without one, the snapshot written at the stop would cover the outcome
    /// and no repair would ever plan its notification.
    public func prepare(_ notification: Notification, to explicit: [String] = [], excluding: Set<String> = []) -> PreparedNotification? {
        var n = notification
        var targets = order.filter { $0.matcher.matches(n.type) }
        for id in explicit where !targets.contains(where: { $0.id == id }) {
            guard let lane = lanes[id] else {
                if reportedUnknown.withLock({ $0.insert(id).inserted }) {
                    logger("notify: routes name subscriber \"\(id)\", which is not configured; notifications for it are not sent "
                           + "(said once; first seen with \(n.id))")
                }
                continue
            }
            targets.append(lane)
        }
        if !excluding.isEmpty { targets.removeAll { excluding.contains($0.id) } }
        guard !targets.isEmpty else { return nil }
        if n.encodedData == nil { n.encodedData = n.data.serialized() }
        let at = WallClock.milliseconds()
        let body = NotificationBody.encode(n)
        var plans: [(lane: SubscriberLane, delivery: OpenDelivery)] = []
        for lane in targets {
            let deliveryID = DeliveryID.make(notificationID: n.id, subscriberID: lane.id)
            guard lane.reserve(deliveryID) == .reserved else { continue }
            if journal.knows(id: deliveryID) {
                lane.unreserve(deliveryID)
                continue
            }
            plans.append((lane, OpenDelivery(id: deliveryID, body: body, attempts: 0, roundAttempts: 0,
                                             dueAt: lane.policy.firstAttemptAt(at))))
        }
        guard !plans.isEmpty else { return nil }
        let events = plans.map { DeliveryEvent.planned(deliveryID: $0.delivery.id, subscriberID: $0.lane.id, notification: n, at: at) }
        return PreparedNotification(events: events, plans: plans)
    }

    /// The prepared deliveries' plan is durable: their subscribers' queues take them.
    public func admit(_ prepared: PreparedNotification) {
        // One delivery per subscriber: a notification is planned once for each.
        for (lane, d) in prepared.plans { lane.admit([d]) }
    }

    /// The append that was to carry the plan failed: the reservations are let go.
    public func release(_ prepared: PreparedNotification) {
        for (lane, d) in prepared.plans { lane.unreserve(d.id) }
    }

    /// Records the plan; while the journal refuses, tries again every second (logging each
    /// time) until it takes it or the notifier stops.
    private func plan(_ prepared: PreparedNotification, tries: Int) {
        journal.record(prepared.events) { [self] ok in
            if ok { return admit(prepared) }
            let notification = prepared.events.first.flatMap { event -> String? in
                if case .planned(_, _, let n, _) = event { return n.id }
                return nil
            } ?? "?"
            guard lifecycle.withLock({ $0 != .stopped }) else {
                logger("notify: notification \(notification) lost: the journal refused its plan and the notifier stopped")
                return release(prepared)
            }
            logger("notify: could not record the plan of notification \(notification) (try \(tries)); trying again")
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Self.planRetryMilliseconds)) { [self] in
                plan(prepared, tries: tries + 1)
            }
        }
    }
}
