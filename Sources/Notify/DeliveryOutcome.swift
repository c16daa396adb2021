/// How one attempt ended.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Failed; tried again at `nextAt` (unix ms).
    case retrying(error: String, nextAt: Int64)
    /// Permanent (a 410 Gone): never retried unless an operator redelivers.
    case failed(error: String)
    /// The retry schedule is used up: waits for an operator.
    case dead(error: String)
    /// Recorded as started but never sent (the circuit opened or the notifier stopped while
    /// it waited in a batch): it does not count as an attempt and is due again at `nextAt`.
    case notSent(reason: String, nextAt: Int64)

    /// Whether the subscriber answered badly or not at all (for the circuit and the
    /// failing-since clock); `notSent` and `delivered` are not failures.
    public var isFailure: Bool {
        switch self {
        case .retrying, .failed, .dead: return true
        case .delivered, .notSent: return false
        }
    }

    public var error: String? {
        switch self {
        case .delivered: return nil
        case .retrying(let e, _), .failed(let e), .dead(let e): return e
        case .notSent(let r, _): return r
        }
    }
}
