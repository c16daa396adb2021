/// A subscriber's deliveries by where they stand, kept up to date by the fold so the
/// status page never has to scan every delivery.
public struct DeliveryCounts: Sendable, Equatable {
    /// Open and not yet failed in this round.
    public internal(set) var pending = 0
    /// Open with at least one failed attempt: waiting for a retry.
    public internal(set) var failing = 0
    public internal(set) var delivered = 0
    public internal(set) var failed = 0
    public internal(set) var dead = 0

    public init() {}

    enum Bucket { case pending, failing, delivered, failed, dead }

    mutating func add(_ bucket: Bucket, _ n: Int) {
        switch bucket {
        case .pending: pending += n
        case .failing: failing += n
        case .delivered: delivered += n
        case .failed: failed += n
        case .dead: dead += n
        }
    }
}
