/// Where a received event stands, derived from its jobs: `received` until it is routed (or
/// when it matched no rule: nothing to do), then the worst of its jobs: `dead` over
/// `failed` over `pending` (waiting or in flight) over `succeeded`.
public enum EventState: String, Sendable, CaseIterable {
    case received, pending, succeeded, failed, dead

    static func derive(routed: Bool, jobs: [JobState.Status]) -> EventState {
        guard routed, !jobs.isEmpty else { return .received }
        if jobs.contains(.dead) { return .dead }
        if jobs.contains(.failed) { return .failed }
        if jobs.contains(where: { $0 == .pending || $0 == .inFlight }) { return .pending }
        return .succeeded
    }
}
