import Synchronization

/// A journal kept in memory, for tests and benchmarks: not durable. It stores each event
/// in its encoded form (so the codec is exercised as the gateway's log would) and folds it,
/// and can be rebuilt from those bytes to act out a restart. `failing` makes records fail,
/// to show that nothing is sent without a durable record.
public final class MemoryDeliveryJournal: DeliveryJournal {
    private struct Contents {
        var encoded: [[UInt8]] = []
        var state = DeliveryState()
        var failing = false
    }

    private let contents: Mutex<Contents>

    public init() { contents = Mutex(Contents()) }

    /// A journal holding what another one recorded, as a restarted gateway would find its log.
    public init(replaying encoded: [[UInt8]]) throws(DeliveryEventDecodingError) {
        var c = Contents()
        for bytes in encoded { c.state.apply(try DeliveryEvent.decode(bytes)) }
        c.encoded = encoded
        contents = Mutex(c)
    }

    public func record(_ events: [DeliveryEvent], then: @escaping @Sendable (Bool) -> Void) {
        let encoded = events.map { $0.encoded() }
        let ok = contents.withLock { c -> Bool in
            guard !c.failing else { return false }
            c.encoded.append(contentsOf: encoded)
            for event in events { c.state.apply(event) }
            return true
        }
        then(ok)
    }

    public func state() -> DeliveryState { contents.withLock { $0.state } }

    public func delivery(id: String) -> DeliveryRecord? { contents.withLock { $0.state.deliveries[id] } }

    public func encodedEvents() -> [[UInt8]] { contents.withLock { $0.encoded } }

    /// Every event recorded, decoded again from the stored bytes.
    public func events() -> [DeliveryEvent] {
        encodedEvents().compactMap { try? DeliveryEvent.decode($0) }
    }

    public func setFailing(_ failing: Bool) { contents.withLock { $0.failing = failing } }
}
