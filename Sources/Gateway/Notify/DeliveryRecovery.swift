import Notify

/// Operator recovery for outbound deliveries (`gatehouse redeliver`, `POST /deliveries/redeliver`,
/// `POST /subscribers/{id}/enable`): the notifier's verbs, reached through the gateway so they
/// run on the same log and state. On a running server the notifier's lanes take the requeued
/// deliveries at once; offline they are resumed from the log when the server next starts.
extension Gateway {
    // Each with no retention sweep under way, so a sweep's mark cannot forget the delivery
    // between the look-up and the record that reopens it.
    public func redeliver(deliveryID: String) -> Bool {
        holdingSweeps { notifier.redeliver(deliveryID: deliveryID) }
    }

    public func redeliver(subscriberID: String, from: Int64, to: Int64, statuses: Set<DeliveryStatus>, dryRun: Bool) -> [String] {
        holdingSweeps { notifier.redeliver(subscriberID: subscriberID, from: from, to: to, statuses: statuses, dryRun: dryRun) }
    }

    /// Like `redeliver(subscriberID:...)`, each delivery described as it stood before the
    /// request (a real run changes their status).
    public func plannedRedeliveries(subscriberID: String, from: Int64, to: Int64, statuses: Set<DeliveryStatus>,
                                    dryRun: Bool) -> [PlannedDelivery] {
        // One search (settled deliveries are read back from the log), described before the
        // redelivery changes them, then handed to the notifier as they are; the search too
        // with no sweep under way, or a mark could forget what it found before it is reopened.
        holdingSweeps {
            let found = LogDeliveryJournal(store: store).deliveries(subscriberID: subscriberID, from: from, to: to, statuses: statuses)
                .sorted { ($0.plannedAt, $0.id) < ($1.plannedAt, $1.id) }
            let before = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            let sent = dryRun ? found.map(\.id) : notifier.redeliver(found)
            return sent.compactMap { before[$0].map(PlannedDelivery.init) }
        }
    }

    public func enable(subscriberID: String) { notifier.enable(subscriberID: subscriberID) }

    /// Whether the configuration names this subscriber (the notifier ignores others).
    public func hasSubscriber(_ id: String) -> Bool { configuration.subscribers.contains { $0.config.id == id } }

    public var deliveries: DeliveryState { store.read { $0.deliveries } }

    /// One delivery as it stands, also one the fold settled when it was delivered (read back
    /// from the log).
    public func deliveryRecord(id: String) -> DeliveryRecord? { LogDeliveryJournal(store: store).delivery(id: id) }
}
