/// A subscriber's rate limit: `rate` tokens a second, bursts of up to one second's worth.
struct TokenBucket: Sendable {
    let rate: Double
    let capacity: Double
    private var tokens: Double
    private var refilledAt: Int64

    init(rate: Double, now: Int64) {
        self.rate = rate
        capacity = max(1, rate)
        tokens = capacity
        refilledAt = now
    }

    /// Takes up to `wanted` whole tokens; returns how many it got.
    mutating func take(_ wanted: Int, now: Int64) -> Int {
        refill(now)
        let granted = min(wanted, Int(tokens))
        tokens -= Double(granted)
        return granted
    }

    mutating func refund(_ n: Int) {
        tokens = min(capacity, tokens + Double(n))
    }

    /// When the next whole token will be there.
    func nextTokenAt(now: Int64) -> Int64 {
        let missing = max(0, 1 - tokens)
        return now + max(1, Int64((missing / rate * 1000).rounded(.up)))
    }

    private mutating func refill(_ now: Int64) {
        // The wall clock stepped back: count from here, or the bucket would stay empty for as
        // long as the step.
        if now < refilledAt { refilledAt = now }
        guard now > refilledAt else { return }
        tokens = min(capacity, tokens + Double(now - refilledAt) / 1000 * rate)
        refilledAt = now
    }
}
