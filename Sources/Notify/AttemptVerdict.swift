/// What an attempt's result means for the delivery and the subscriber.
struct AttemptVerdict: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case delivered
        /// 410 Gone: the receiver says this endpoint is gone for good.
        case gone(error: String)
        /// Anything else: tried again on the schedule. `throttled` (429, 502, 503, 504) also
        /// pauses the whole subscriber.
        case retry(error: String, retryAfterSeconds: Double?, throttled: Bool)
    }

    let kind: Kind
    let status: Int?
    let latencyMs: Int64

    static let throttlingStatuses: Set<Int> = [429, 502, 503, 504]

    /// Nil when the attempt was aborted by a stop: its outcome is unknown and it is left in
    /// flight, to be sent again after a restart.
    /// `redact` are values that must not reach an error text even if a receiver echoes them
    /// back (the subscriber's own header values, which may be credentials).
    static func judge(_ result: SendResult, nowMs: Int64, redact: [String]) -> AttemptVerdict? {
        switch result.answer {
        case .failure(.aborted):
            return nil
        case .failure(let failure):
            return AttemptVerdict(kind: .retry(error: failure.description, retryAfterSeconds: nil, throttled: false),
                                  status: nil, latencyMs: result.latencyMs)
        case .response(let r):
            let kind: Kind
            switch r.status {
            case 200..<300:
                kind = .delivered
            case 410:
                kind = .gone(error: "HTTP 410 Gone: the subscriber asked for no more deliveries")
            default:
                var error = "HTTP \(r.status)"
                if (300..<400).contains(r.status) { error += " (redirects are not followed)" }
                let excerpt = Self.excerpt(r.bodyPrefix, redact: redact)
                if !excerpt.isEmpty { error += ": " + excerpt }
                kind = .retry(error: error, retryAfterSeconds: RetryAfter.seconds(r.retryAfter, nowMilliseconds: nowMs),
                              throttled: throttlingStatuses.contains(r.status))
            }
            return AttemptVerdict(kind: kind, status: r.status, latencyMs: result.latencyMs)
        }
    }

    /// The start of an error body as one printable line, at most 200 characters.
    static func excerpt(_ body: [UInt8], redact: [String]) -> String {
        // Redacted over the whole prefix the client kept, before anything is cleaned or cut:
        // an echo that straddles the cut or holds a tab must still match whole.
        var raw = String(decoding: body, as: UTF8.self)
        for secret in redact.sorted(by: { $0.utf8.count > $1.utf8.count }) where secret.utf8.count >= 4 {
            raw = raw.replacingAll(secret, with: "[redacted]")
        }
        var text = String(decoding: Array(raw.utf8).prefix(400).map { $0 >= 0x20 && $0 < 0x7F ? $0 : 0x20 }, as: UTF8.self)
        text = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        return text.count > 200 ? String(text.prefix(200)) + "…" : text
    }
}
