import Notify

/// The notifier's journal is the gateway's log: delivery steps are log events like any
/// other state change, folded into `GatewayState.deliveries` in log order.
struct LogDeliveryJournal: DeliveryJournal {
    let store: EventStore

    func record(_ events: [DeliveryEvent], then: @escaping @Sendable (Bool) -> Void) {
        store.append(events.map { .delivery($0) }) { result in then(result.isSuccess) }
    }

    func state() -> DeliveryState { store.read { $0.deliveries } }

    func delivery(id: String) -> DeliveryRecord? { store.read { $0.deliveries.deliveries[id] } }
}
