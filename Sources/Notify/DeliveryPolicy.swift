/// A subscriber's settings with defaults applied, in the units the scheduler uses.
struct DeliveryPolicy: Sendable, Equatable {
    let schedule: [Double]
    let jitter: Double
    let timeoutSeconds: Double
    let maxConsecutiveFailures: Int
    let circuitOpenMs: Int64
    let disableAfterMs: Int64
    let concurrency: Int
    let rateLimitPerSecond: Double?

    /// A Retry-After asking for longer than this is taken as this: a misbehaving receiver
    /// should not park a delivery for a year.
    static let maxRetryAfterSeconds = 86_400.0
    /// Without Retry-After, a throttling answer pauses the subscriber for its next retry
    /// wait, but never longer than this.
    static let maxThrottlePauseSeconds = 30.0

    init(_ c: SubscriberConfig) {
        schedule = c.effectiveRetryScheduleSeconds.isEmpty ? [0] : c.effectiveRetryScheduleSeconds
        jitter = min(max(c.effectiveJitter, 0), 0.99)
        timeoutSeconds = c.effectiveTimeoutSeconds
        maxConsecutiveFailures = max(1, c.effectiveMaxConsecutiveFailures)
        circuitOpenMs = Int64(c.effectiveCircuitOpenSeconds * 1000)
        disableAfterMs = Int64(c.effectiveDisableAfterFailingSeconds * 1000)
        concurrency = max(1, c.effectiveConcurrency)
        rateLimitPerSecond = c.rateLimitPerSecond
    }

    /// When a new round's first attempt is due (the schedule's first wait, normally 0).
    func firstAttemptAt(_ plannedAt: Int64) -> Int64 {
        plannedAt + Int64(schedule[0] * 1000)
    }

    /// Unix ms of the next attempt after `roundAttempts` attempts of this round failed, or nil
    /// when the schedule is used up. A Retry-After longer than the wait is honoured.
    func nextAttempt(afterRoundAttempts roundAttempts: Int, now: Int64, retryAfterSeconds: Double?) -> Int64? {
        guard roundAttempts >= 1, roundAttempts < schedule.count else { return nil }
        var wait = schedule[roundAttempts]
        if jitter > 0 && wait > 0 { wait *= Double.random(in: (1 - jitter)...(1 + jitter)) }
        if let retryAfterSeconds { wait = max(wait, min(retryAfterSeconds, Self.maxRetryAfterSeconds)) }
        return now + Int64(wait * 1000)
    }
}
