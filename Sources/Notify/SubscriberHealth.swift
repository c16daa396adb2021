/// One subscriber's standing, as folded from delivery events.
public struct SubscriberHealth: Sendable, Equatable {
    public internal(set) var disabled = false
    public internal(set) var disabledReason: String?
    public internal(set) var disabledAt: Int64?
    public internal(set) var circuit = CircuitState.closed
    /// Failed attempts in a row, across its deliveries; a success resets it.
    public internal(set) var consecutiveFailures = 0
    /// When the current run of failures began (nil while healthy).
    public internal(set) var failingSince: Int64?
    public internal(set) var lastDeliveredAt: Int64?
    public internal(set) var counts = DeliveryCounts()

    public init() {}

    mutating func attempted(at: Int64, outcome: DeliveryOutcome) {
        if case .delivered = outcome {
            consecutiveFailures = 0
            failingSince = nil
            lastDeliveredAt = at
        } else if outcome.isFailure {
            consecutiveFailures += 1
            if failingSince == nil { failingSince = at }
        }
    }

    mutating func enable() {
        disabled = false
        disabledReason = nil
        disabledAt = nil
        circuit = .closed
        consecutiveFailures = 0
        failingSince = nil
    }
}
