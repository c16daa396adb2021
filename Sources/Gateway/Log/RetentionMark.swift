import Notify

/// Retention ran: segments before `before` may be removed. Folding it forgets what lived only
/// there: finished jobs of events received before `before` and finished deliveries planned
/// before it, the histories of events
/// received before it, and the dedupe digests of events received before `dedupeFloor` (older
/// than the dedupe window). Subscribers' standing is carried as it was, because the delivery
/// records it was folded from go away with the segments.
public struct RetentionMark: Sendable, Equatable {
    public let before: UInt64
    public let dedupeFloor: UInt64
    public let at: Int64
    public let subscribers: [String: SubscriberHealth]

    public init(before: UInt64, dedupeFloor: UInt64, at: Int64, subscribers: [String: SubscriberHealth]) {
        self.before = before
        self.dedupeFloor = dedupeFloor
        self.at = at
        self.subscribers = subscribers
    }
}
