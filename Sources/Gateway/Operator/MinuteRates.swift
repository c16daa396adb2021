/// What happened during one wall-clock minute: accepted webhooks and finished action
/// attempts, split into successes and failures (retrying, failed and dead all count as failures).
public struct MinuteRates: Sendable, Equatable {
    /// Unix minute (unix seconds / 60).
    public var minute: Int64
    public var accepted = 0
    public var succeeded = 0
    public var failed = 0

    public init(minute: Int64, accepted: Int = 0, succeeded: Int = 0, failed: Int = 0) {
        self.minute = minute
        self.accepted = accepted
        self.succeeded = succeeded
        self.failed = failed
    }
}
