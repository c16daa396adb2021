/// When a failed attempt is tried again, in one place for every API: a schedule of waits
/// (Standard Webhooks' by default), jitter so retries from many jobs do not arrive together,
/// `Retry-After` honoured when it asks for longer, and a maximum age after which the work
/// is dead-lettered for an operator.
public struct RetryPolicy: Sendable, Equatable {
    /// Seconds to wait after the 1st, 2nd, ... failed attempt.
    public var schedule: [Double]
    public var maxAgeSeconds: Double
    /// ± fraction of each wait, drawn at random.
    public var jitter: Double

    public static let standard = RetryPolicy(schedule: [5, 300, 1800, 7200, 18000, 36000, 36000],
                                             maxAgeSeconds: 3 * 86400, jitter: 0.2)

    public init(schedule: [Double], maxAgeSeconds: Double, jitter: Double) {
        self.schedule = schedule
        self.maxAgeSeconds = maxAgeSeconds
        self.jitter = jitter
    }

    /// Unix ms of the next attempt after `attempt` (1-based) failed, or nil to give up.
    public func nextAttempt(after attempt: Int, firstAttemptAt: Int64, now: Int64, retryAfterSeconds: Double?) -> Int64? {
        guard attempt >= 1, attempt <= schedule.count else { return nil }
        var wait = schedule[attempt - 1]
        if jitter > 0 { wait *= Double.random(in: (1 - jitter)...(1 + jitter)) }
        if let retryAfterSeconds, retryAfterSeconds > wait { wait = retryAfterSeconds }
        // A wait past the maximum age gives up now; checked before converting, which a huge
        // wait (a configured schedule, an API's Retry-After) would overflow.
        guard wait.isFinite, wait <= maxAgeSeconds else { return nil }
        let next = now + Int64(wait * 1000)
        guard Double(next - firstAttemptAt) / 1000 <= maxAgeSeconds else { return nil }
        return next
    }
}
