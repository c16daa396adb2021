import Notify

/// Operator recovery for outbound deliveries (`gatehouse redeliver`): the notifier's verbs,
/// reached through the gateway so they run on the same log and state.
extension Gateway {
    public func redeliver(deliveryID: String) -> Bool { notifier.redeliver(deliveryID: deliveryID) }

    public func redeliver(subscriberID: String, from: Int64, to: Int64, statuses: Set<DeliveryStatus>, dryRun: Bool) -> [String] {
        notifier.redeliver(subscriberID: subscriberID, from: from, to: to, statuses: statuses, dryRun: dryRun)
    }

    public func enable(subscriberID: String) { notifier.enable(subscriberID: subscriberID) }

    public var deliveries: DeliveryState { store.read { $0.deliveries } }
}
