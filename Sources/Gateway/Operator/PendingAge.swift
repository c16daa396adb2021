/// How long the oldest unfinished job has waited, counted from its event's arrival: the
/// one number that says whether work is keeping up.
enum PendingAge {
    /// Whole seconds since the oldest open job's event was received; nil when none is open.
    /// `offset` is the smallest event offset among open jobs: offsets grow with time, so it
    /// is the oldest event.
    static func oldestSeconds(eventOffset offset: UInt64?, store: EventStore, now: Int64 = Clock.unixMilliseconds()) -> Int64? {
        guard let offset else { return nil }
        guard case .received(let event)? = try? store.record(at: offset) else { return nil }
        return max(0, (now - event.receivedAt) / 1000)
    }
}
