import Routing

/// The rules a received event matched, with each matched rule's actions copied in: work is
/// fixed when it is planned, so editing a route file later never changes what an already
/// accepted event does. An event that matched nothing is recorded too (no jobs), so a
/// restart knows it was routed.
public struct RoutedEvent: Sendable, Equatable {
    public var eventOffset: UInt64
    public var source: String
    public var eventID: String
    public var jobs: [JobPlan]
    public var routedAt: Int64

    public init(eventOffset: UInt64, source: String, eventID: String, jobs: [JobPlan], routedAt: Int64) {
        self.eventOffset = eventOffset
        self.source = source
        self.eventID = eventID
        self.jobs = jobs
        self.routedAt = routedAt
    }
}

/// One matched rule for one event: its actions run in order, each seeing earlier results.
public struct JobPlan: Sendable, Equatable, Codable {
    public var id: String
    public var rule: String
    /// Jobs with the same key run one after another, in the order their events arrived.
    public var key: String?
    public var actions: [ActionTemplate]
    public var notify: [String]

    public init(id: String, rule: String, key: String?, actions: [ActionTemplate], notify: [String]) {
        self.id = id
        self.rule = rule
        self.key = key
        self.actions = actions
        self.notify = notify
    }
}
