/// Where every delivery and subscriber stands: a fold over `DeliveryEvent`s in log order.
/// The gateway keeps one (its journal's) and a restart rebuilds it from the log; the
/// notifier resumes from it.
public struct DeliveryState: Sendable, Equatable {
    public private(set) var deliveries: [String: DeliveryRecord] = [:]
    public private(set) var subscribers: [String: SubscriberHealth] = [:]

    public init() {}

    public init(replaying events: [DeliveryEvent]) {
        for event in events { apply(event) }
    }

    /// Pending or in flight: what a restart must resume, earliest due first. A scan (it is
    /// wanted once, at start), so the fold keeps no index for it.
    public var openDeliveries: [DeliveryRecord] {
        deliveries.values.filter(\.isOpen).sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
    }

    public var openDeliveryIDs: Set<String> { Set(deliveries.values.lazy.filter(\.isOpen).map(\.id)) }

    public mutating func apply(_ e: DeliveryEvent) {
        switch e {
        case .planned(let id, let subscriber, let notification, let at):
            // Planning is idempotent: a notification published twice is one delivery.
            guard deliveries[id] == nil else { return }
            update(id, creating: DeliveryRecord(id: id, subscriberID: subscriber, notification: notification, plannedAt: at)) { _ in }
        case .attemptStarted(let id, let attempt, let at):
            update(id) { $0.started(attempt: attempt, at: at) }
        case .attemptFinished(let id, let attempt, let at, let status, _, let outcome):
            // The outcome of an attempt older than the latest one started is stale: a worker
            // that held it back while an operator's redelivery started the next attempt must
            // not mark the delivery delivered (and settle it) under that attempt.
            if let latest = deliveries[id]?.attempts, attempt < latest { return }
            // Also one started before a redelivery and recorded after it (the operator asked
            // while its answer was on its way): settling the delivery under it would drop the
            // redelivery's own attempts from the fold.
            if let superseded = deliveries[id]?.supersededThrough, attempt <= superseded { return }
            guard let subscriber = update(id, { $0.finished(attempt: attempt, at: at, status: status, outcome: outcome) }) else { return }
            subscribers[subscriber, default: SubscriberHealth()].attempted(at: at, outcome: outcome)
            // As the lane does (`LaneSchedule.complete`): a run of failures ends when the
            // subscriber's last open delivery is given up.
            if let counts = subscribers[subscriber]?.counts, counts.pending + counts.failing == 0 {
                subscribers[subscriber]?.failingSince = nil
            }
        case .redeliveryRequested(let id, let at, _):
            update(id) { $0.redeliver(at: at) }
        case .subscriberDisabled(let subscriber, let reason, let at):
            subscribers[subscriber, default: SubscriberHealth()].disabled = true
            subscribers[subscriber]?.disabledReason = reason
            subscribers[subscriber]?.disabledAt = at
        case .subscriberEnabled(let subscriber, _):
            subscribers[subscriber, default: SubscriberHealth()].enable()
        case .circuitOpened(let subscriber, _, let until):
            subscribers[subscriber, default: SubscriberHealth()].circuit = .open(until: until)
        case .circuitClosed(let subscriber, _):
            subscribers[subscriber, default: SubscriberHealth()].circuit = .closed
            subscribers[subscriber]?.consecutiveFailures = 0
        }
    }

    /// Forgets finished deliveries (retention); their subscribers' counts keep them, since
    /// counts are totals. Open deliveries are never forgotten.
    public mutating func forget(_ ids: some Sequence<String>) {
        for id in ids where deliveries[id]?.isOpen == false { deliveries.removeValue(forKey: id) }
    }

    /// Lets go of a delivered delivery's record while its subscriber's counts keep it: the
    /// gateway keeps delivered ones as an outline of its own and reads the rest back from its
    /// log when asked (see `DeliveryEvent.redeliveryRequested`). False if it is not delivered.
    @discardableResult
    public mutating func settle(_ id: String) -> Bool {
        guard deliveries[id]?.status == .delivered else { return false }
        deliveries.removeValue(forKey: id)
        return true
    }

    /// Opens a settled delivery again for a redelivery due at `at`: it comes back as it stood
    /// when delivered (its subscriber's counts still hold it there) and moves to pending.
    public mutating func reopen(_ id: String, subscriberID: String, notification: Notification, plannedAt: Int64,
                                attempts: Int, at: Int64) {
        if deliveries[id] == nil {
            deliveries[id] = DeliveryRecord.delivered(id: id, subscriberID: subscriberID, notification: notification,
                                                      plannedAt: plannedAt, attempts: attempts)
        }
        update(id) { $0.redeliver(at: at) }
    }

    /// Sets subscribers' standing to what a retention record carried (see `forget`).
    public mutating func restore(_ health: [String: SubscriberHealth]) {
        for (id, h) in health { subscribers[id] = h }
    }

    /// Changes one record in place and moves it between its subscriber's counts when its
    /// standing changes (three events per delivery: kept cheap). Returns
    /// the record's subscriber, nil if there is no such record.
    @discardableResult
    private mutating func update(_ id: String, creating new: DeliveryRecord? = nil,
                                 _ change: (inout DeliveryRecord) -> Void) -> String? {
        let index: Dictionary<String, DeliveryRecord>.Index
        var before: DeliveryCounts.Bucket?
        if let new {
            deliveries[id] = new
            index = deliveries.index(forKey: id)!
        } else {
            guard let found = deliveries.index(forKey: id) else { return nil }
            index = found
            before = deliveries.values[index].bucket
        }
        change(&deliveries.values[index])
        let after = deliveries.values[index].bucket
        let subscriber = deliveries.values[index].subscriberID
        if before != after {
            if let before { subscribers[subscriber, default: SubscriberHealth()].counts.add(before, -1) }
            subscribers[subscriber, default: SubscriberHealth()].counts.add(after, 1)
        }
        return subscriber
    }
}
