/// A notification's deliveries, reserved in their subscribers' queues but not yet recorded.
/// The caller writes `events` in the same log append as the record the notification reports,
/// so a crash keeps both or neither, then hands it back to `Notifier.admit` once that append
/// is durable, or to `Notifier.release` if it failed.
public struct PreparedNotification: Sendable {
    /// One `planned` event per subscriber, for the caller's append.
    public let events: [DeliveryEvent]
    let plans: [(lane: SubscriberLane, delivery: OpenDelivery)]
}
