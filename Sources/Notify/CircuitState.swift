/// A subscriber's circuit breaker as recorded. "Half-open" is not stored: it is an open
/// circuit whose time is up, where one probe may go.
public enum CircuitState: Sendable, Equatable {
    case closed
    case open(until: Int64)

    public func isHalfOpen(now: Int64) -> Bool {
        if case .open(let until) = self { return now >= until }
        return false
    }
}
