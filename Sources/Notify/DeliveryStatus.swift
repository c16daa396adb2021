/// Where one delivery stands.
public enum DeliveryStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Waiting for its next attempt (`nextAttemptAt`).
    case pending
    /// An attempt was started and has not finished: after a crash it is sent again.
    case inFlight = "in_flight"
    case delivered
    /// Permanently refused (410 Gone).
    case failed
    /// The retry schedule ran out.
    case dead
}
