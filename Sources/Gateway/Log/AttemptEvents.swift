import Routing

/// Written, and made durable, before a request leaves for an API: if the gateway dies before
/// the matching `AttemptFinished`, the next attempt first checks whether the call took effect.
public struct AttemptStarted: Sendable, Equatable {
    public var jobID: String
    public var step: Int
    public var attempt: Int
    public var at: Int64

    public init(jobID: String, step: Int, attempt: Int, at: Int64) {
        self.jobID = jobID
        self.step = step
        self.attempt = attempt
        self.at = at
    }
}

/// How one attempt of one action ended.
public struct AttemptFinished: Sendable, Equatable {
    public var jobID: String
    public var step: Int
    public var attempt: Int
    public var at: Int64
    public var latencyMs: Int64
    public var status: Int?
    public var outcome: Outcome

    /// A retry is not news: only a final outcome is notified.
    var isRetrying: Bool {
        if case .retrying = outcome { return true }
        return false
    }

    public enum Outcome: Sendable, Equatable {
        /// `result` holds the ids the API returned, for later actions and notifications.
        case succeeded(result: JSONValue, note: String?)
        case retrying(error: String, nextAttemptAt: Int64)
        /// Permanent: a 4xx, a validation failure, a template that cannot be filled. Never retried.
        case failed(error: String)
        /// Retries exhausted or too old: waits for an operator (`replay` can re-drive it).
        case dead(error: String)
    }

    public init(jobID: String, step: Int, attempt: Int, at: Int64, latencyMs: Int64, status: Int?, outcome: Outcome) {
        self.jobID = jobID
        self.step = step
        self.attempt = attempt
        self.at = at
        self.latencyMs = latencyMs
        self.status = status
        self.outcome = outcome
    }
}
