/// Deliveries as the journal, snapshots and operators see them, whether held whole
/// (`deliveries`) or settled.
extension GatewayState {
    /// Deliveries the fold knows: held whole, or settled when delivered.
    public var knownDeliveries: Int { deliveries.deliveries.count + settledDeliveries.count }

    /// The records a start from a snapshot re-reads: those of deliveries not settled, in log order.
    var workRecords: [UInt64] { deliveryRecords.values.flatMap { $0 }.sorted() }

    /// A settled delivery's outline: where its plan is in the log and how many attempts it took.
    func settledDelivery(_ id: String) -> DeliveryOutline? {
        settledDeliveries[KeyDigest.of(deliveryID: id, key: digestKey)].map(DeliveryOutline.init)
    }

    /// Every settled delivery's outline (for the redelivery verbs' searches).
    func settledDeliveryOutlines() -> [DeliveryOutline] {
        var all: [DeliveryOutline] = []
        all.reserveCapacity(settledDeliveries.count)
        settledDeliveries.forEach { _, _, word in all.append(DeliveryOutline(word)) }
        return all
    }
}
