import Synchronization

/// Remembers which webhook-ids a sink script has seen, across notifier restarts.
final class FirstSeen: Sendable {
    private let seen = Mutex<Set<String>>([])

    /// True if `id` was seen before; records it either way.
    func seenBefore(_ id: String) -> Bool { seen.withLock { !$0.insert(id).inserted } }
}
