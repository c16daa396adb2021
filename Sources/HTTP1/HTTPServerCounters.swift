import Synchronization

/// Listener figures for the status endpoint, shared by all loops.
public final class HTTPServerCounters: Sendable {
    let open = Atomic<Int>(0)
    let accepted = Atomic<Int>(0)
    let requests = Atomic<Int>(0)
    let refusedConnections = Atomic<Int>(0)
    private let rejections = Mutex<[String: Int]>([:])

    init() {}

    func reject(_ label: String) { rejections.withLock { $0[label, default: 0] += 1 } }

    public func snapshot() -> HTTPServerStats {
        HTTPServerStats(openConnections: open.load(ordering: .relaxed),
                        acceptedConnections: accepted.load(ordering: .relaxed),
                        requests: requests.load(ordering: .relaxed),
                        refusedConnections: refusedConnections.load(ordering: .relaxed),
                        rejections: rejections.withLock { $0 })
    }
}

public struct HTTPServerStats: Sendable {
    public let openConnections: Int
    public let acceptedConnections: Int
    public let requests: Int
    /// Connections closed at once because `maxConnections` was reached.
    public let refusedConnections: Int
    /// Requests refused by the framing rules or timeouts, by reason label.
    public let rejections: [String: Int]
}
