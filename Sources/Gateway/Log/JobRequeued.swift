/// A failed or dead job sent back to work by an operator: its current action starts over
/// with a fresh retry schedule; actions that already succeeded are not repeated.
public struct JobRequeued: Sendable, Equatable {
    public var jobID: String
    public var at: Int64
    public var reason: String

    public init(jobID: String, at: Int64, reason: String) {
        self.jobID = jobID
        self.at = at
        self.reason = reason
    }
}
