import Routing

/// Where one job (a matched rule for one event) stands, as folded from its log events.
public struct JobState: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, Codable {
        /// Waiting for its next attempt (`dueAt`).
        case pending
        /// An attempt was started and has not finished: after a crash its outcome is unknown.
        case inFlight = "in_flight"
        case succeeded, failed, dead
    }

    public let plan: JobPlan
    public let eventOffset: UInt64
    public let source: String
    public let eventID: String
    /// Index of the action to run next (== actions.count once every action succeeded).
    public internal(set) var step = 0
    /// Attempts made of the current step.
    public internal(set) var attempts = 0
    public internal(set) var status = Status.pending
    public internal(set) var dueAt: Int64
    /// Unix ms of the current step's first attempt: the retry schedule's maximum age counts from here.
    public internal(set) var stepStartedAt: Int64?
    public internal(set) var results: [String: JSONValue] = [:]
    public internal(set) var lastError: String?
    public internal(set) var lastErrorAt: Int64?
    /// An earlier attempt of this step may have reached the API without its answer reaching
    /// us. Stays set until the step succeeds: a later attempt failing with an HTTP error
    /// (say its look-up got a 503) says nothing about whether that earlier one took effect.
    public internal(set) var outcomeUnknown = false
    /// Unix ms the latest attempt started: after a crash, its request may still be landing
    /// at the API, so the look-up waits out the request's timeout from here.
    public internal(set) var lastAttemptAt: Int64?

    public var isFinished: Bool { status == .succeeded || status == .failed || status == .dead }
    public var currentAction: ActionTemplate? { step < plan.actions.count ? plan.actions[step] : nil }

    init(plan: JobPlan, eventOffset: UInt64, source: String, eventID: String, dueAt: Int64) {
        self.plan = plan
        self.eventOffset = eventOffset
        self.source = source
        self.eventID = eventID
        self.dueAt = dueAt
        if plan.actions.isEmpty { status = .succeeded }
    }

    mutating func requeued(_ e: JobRequeued) {
        guard status == .failed || status == .dead else { return }
        status = .pending
        attempts = 0
        stepStartedAt = nil
        dueAt = e.at
    }

    mutating func started(_ e: AttemptStarted) {
        guard e.step == step else { return }
        // The previous attempt started and never finished (a crash): its outcome is unknown.
        if status == .inFlight { outcomeUnknown = true }
        lastAttemptAt = e.at
        attempts = e.attempt
        status = .inFlight
        if stepStartedAt == nil { stepStartedAt = e.at }
    }

    mutating func finished(_ e: AttemptFinished) {
        // `step` past the last action (a damaged snapshot's open job) has no action to finish.
        guard e.step == step, step < plan.actions.count else { return }
        attempts = max(attempts, e.attempt)
        if stepStartedAt == nil { stepStartedAt = e.at }
        switch e.outcome {
        case .succeeded(let result, _):
            results[plan.actions[step].name] = result
            step += 1
            attempts = 0
            stepStartedAt = nil
            outcomeUnknown = false
            status = step >= plan.actions.count ? .succeeded : .pending
            dueAt = e.at
        case .retrying(let error, let next):
            status = .pending
            dueAt = next
            lastError = error
            lastErrorAt = e.at
            outcomeUnknown = outcomeUnknown || Self.mayHaveBeenApplied(e)
        case .failed(let error):
            status = .failed
            lastError = error
            lastErrorAt = e.at
            // A re-drive starts from here: after a last attempt that may have landed (a
            // timeout, a 504), it must look the record up before creating it again.
            outcomeUnknown = outcomeUnknown || Self.mayHaveBeenApplied(e)
        case .dead(let error):
            status = .dead
            lastError = error
            lastErrorAt = e.at
            outcomeUnknown = outcomeUnknown || Self.mayHaveBeenApplied(e)
        }
    }

    /// No answer at all (a timeout, a dropped connection), or one that does not say the
    /// request was left undone.
    static func mayHaveBeenApplied(_ e: AttemptFinished) -> Bool {
        e.status == nil || mayHaveBeenApplied(status: e.status)
    }

    /// Server errors that do not say the request was left undone: a 500 thrown after the
    /// write committed, or a proxy's 502 or 504 for a request the API went on to process. The
    /// next attempt of a create then looks the record up first. A 503 or 429 is a refusal.
    static func mayHaveBeenApplied(status: Int?) -> Bool {
        status == 500 || status == 502 || status == 504
    }
}
