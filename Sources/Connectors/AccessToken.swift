/// A bearer token and when to stop using it.
struct AccessToken: Sendable {
    let value: String
    /// Some time before expiry, so a request never leaves with a token about to die.
    let refreshAt: ContinuousClock.Instant

    /// Refresh when less than 60 s, or a tenth of the lifetime for short-lived tokens, remain.
    /// The lifetime counts from when the request for the token left, not when it came back.
    init(value: String, lifetimeSeconds: Double, requestedAt: ContinuousClock.Instant) {
        self.value = value
        // Bounded (a year) before the arithmetic below, which a huge lifetime would overflow.
        let lifetimeSeconds = lifetimeSeconds.isFinite ? min(max(lifetimeSeconds, 0), 365 * 86400) : 0
        let margin = min(60, lifetimeSeconds * 0.1)
        refreshAt = requestedAt + .milliseconds(Int64(((lifetimeSeconds - margin) * 1000).rounded(.down)))
    }

    var isFresh: Bool { ContinuousClock.now < refreshAt }
}
