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
    /// Whether a delivery with this id was ever planned (and not forgotten): publishing asks
    /// this before planning, so it must never miss one, and should not read much to answer.
    func knows(id: String) -> Bool
    /// The subscriber's deliveries planned between `from` and `to` (unix ms, inclusive) whose
    /// status is in `statuses`. The default reads `state()`; a journal that settles delivered
    /// ones must find those itself.
    func deliveries(subscriberID: String, from: Int64, to: Int64, statuses: Set<DeliveryStatus>) -> [DeliveryRecord]
    /// The most events a bulk change (a redelivery of many) records in one call.
    var bulkRecordLimit: Int { get }
}

extension DeliveryJournal {
    public var bulkRecordLimit: Int { 64 }

    public func delivery(id: String) -> DeliveryRecord? { state().deliveries[id] }

    public func knows(id: String) -> Bool { delivery(id: id) != nil }

    public func deliveries(subscriberID: String, from: Int64, to: Int64, statuses: Set<DeliveryStatus>) -> [DeliveryRecord] {
        state().deliveries.values.filter {
            $0.subscriberID == subscriberID && $0.plannedAt >= from && $0.plannedAt <= to && statuses.contains($0.status)
        }
    }
}
