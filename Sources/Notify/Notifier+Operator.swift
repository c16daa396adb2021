/// Operator recovery: sending finished deliveries again and re-enabling subscribers.
extension Notifier {
    /// Sends one delivery again now with a fresh retry schedule (same webhook-id). Works for
    /// delivered, failed, dead and waiting deliveries; false if it is unknown, its subscriber
    /// is no longer configured, or an attempt of it is under way.
    @discardableResult
    public func redeliver(deliveryID: String) -> Bool {
        guard let record = journal.delivery(id: deliveryID) else {
            logger("notify: redeliver: no delivery \(deliveryID)")
            return false
        }
        return !redeliver([record]).isEmpty
    }

    /// The subscriber's deliveries planned between `from` and `to` (unix ms, inclusive) whose
    /// status is in `statuses`, oldest first. Unless `dryRun`, each is sent again as
    /// `redeliver(deliveryID:)` does; the ids returned are then the ones requeued.
    public func redeliver(subscriberID: String, from: Int64, to: Int64, statuses: Set<DeliveryStatus>,
                          dryRun: Bool) -> [String] {
        let chosen = journal.deliveries(subscriberID: subscriberID, from: from, to: to, statuses: statuses)
            .sorted { ($0.plannedAt, $0.id) < ($1.plannedAt, $1.id) }
        if dryRun { return chosen.map(\.id) }
        return redeliver(chosen)
    }

    /// Clears a disabled subscriber (and its circuit): its waiting deliveries resume and new
    /// notifications reach it again.
    public func enable(subscriberID: String) {
        guard let lane = lanes[subscriberID] else {
            logger("notify: enable: no subscriber \"\(subscriberID)\"")
            return
        }
        let logger = logger
        journal.record([.subscriberEnabled(subscriberID: subscriberID, at: WallClock.milliseconds())]) { ok in
            if ok {
                lane.enable()
                logger("notify: subscriber \(subscriberID) enabled")
            } else {
                logger("notify: subscriber \(subscriberID) not enabled: the journal refused the record")
            }
        }
    }

    /// Sends these deliveries again now (as `redeliver(deliveryID:)` does each); returns the
    /// ids requeued. For a caller that already found them.
    public func redeliver(_ records: [DeliveryRecord]) -> [String] {
        let at = WallClock.milliseconds()
        var accepted: [(SubscriberLane, OpenDelivery)] = []
        for record in records {
            guard let lane = lanes[record.subscriberID] else {
                logger("notify: redeliver: subscriber \"\(record.subscriberID)\" of \(record.id) is not configured")
                continue
            }
            guard !lane.isRunning(record.id) else {
                logger("notify: redeliver: \(record.id) is being attempted right now; left alone")
                continue
            }
            accepted.append((lane, OpenDelivery(id: record.id, body: NotificationBody.encode(record.notification), attempts: record.attempts,
                                                roundAttempts: 0, dueAt: at)))
        }
        guard !accepted.isEmpty else { return [] }
        let notifications = Dictionary(records.map { ($0.id, $0.notification) }, uniquingKeysWith: { a, _ in a })
        // Recorded a chunk at a time, each waited for: the ids returned are the ones the journal
        // took (an answer listing deliveries it refused would say they are on their way), and
        // one record of thousands could be more than the log's queue takes at once.
        var requeued: [String] = []
        var start = 0
        while start < accepted.count {
            let chunk = Array(accepted[start..<min(start + max(1, journal.bulkRecordLimit), accepted.count)])
            let events = chunk.map { DeliveryEvent.redeliveryRequested(deliveryID: $0.1.id, at: at, notification: notifications[$0.1.id]) }
            guard RecordWaiter.record(events, in: journal) else {
                logger("notify: redelivery of \(accepted.count - start) deliver(ies) not recorded; those are not requeued")
                break
            }
            for (lane, d) in chunk { lane.admit([d]) }
            requeued += chunk.map(\.1.id)
            start += chunk.count
        }
        return requeued
    }
}
