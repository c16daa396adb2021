/// Where the notifier records its work durably: the gateway implements this with its log.
///
/// The contract the notifier relies on:
/// - `record` keeps the order of calls (an attempt's start is written before its finish);
/// - `then(true)` means the events are durable and already folded into `state()`;
///   `then(false)` means none of them were recorded;
/// - `then` may run on any thread, even inside `record`, and must not be blocked on for long.
public protocol DeliveryJournal: Sendable {
    func record(_ events: [DeliveryEvent], then: @escaping @Sendable (Bool) -> Void)
    func state() -> DeliveryState
    /// One delivery's record. The default reads `state()`; a journal whose state is large
    /// should answer from its own lock, since publishing asks once per subscriber.
    func delivery(id: String) -> DeliveryRecord?
}

extension DeliveryJournal {
    public func delivery(id: String) -> DeliveryRecord? { state().deliveries[id] }
}
