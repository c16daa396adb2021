/// One subscriber as the gateway's config file names it (snake_case keys). Holds no secret:
/// signing keys are resolved by the gateway and handed over in `Subscriber`. `headers` may
/// carry credentials (an `Authorization` a receiver demands), so they are never logged.
public struct SubscriberConfig: Sendable, Codable, Equatable {
    /// `[A-Za-z0-9_-]+`, unique: it names the subscriber in logs, events and rules' `notify`.
    public var id: String
    /// `http://` or `https://`; the host must not resolve to a private address (see `AddressGuard`).
    public var url: String
    /// Notification types it receives: exact (`event.received`), `prefix.*`, or `*`.
    public var types: [String]
    /// Extra request headers (no framing or `webhook-*` names).
    public var headers: [String: String]?
    /// Token bucket: at most this many requests a second (bursts of one second's worth).
    public var rateLimitPerSecond: Double?
    /// One attempt, from connecting to the end of the answer.
    public var timeoutSeconds: Double?
    /// Wait before each attempt, the first included (so `[0, ...]` sends at once); when the
    /// list is used up the delivery is dead.
    public var retryScheduleSeconds: [Double]?
    /// ± fraction of each retry wait, so retries of many deliveries do not arrive together.
    public var jitter: Double?
    /// The circuit opens after this many failures in a row (any delivery of this subscriber).
    public var maxConsecutiveFailures: Int?
    /// How long an open circuit stops sending before one half-open probe.
    public var circuitOpenSeconds: Double?
    /// A subscriber failing without a single success for this long is disabled.
    public var disableAfterFailingSeconds: Double?
    /// Connections for this subscriber.
    public var concurrency: Int?
    /// For `https://`: a PEM file of the certificate authorities to trust for this subscriber
    /// instead of the system's (a private CA). Its certificate must still name the URL's host.
    public var caFile: String?

    public init(id: String, url: String, types: [String], headers: [String: String]? = nil,
                rateLimitPerSecond: Double? = nil, timeoutSeconds: Double? = nil,
                retryScheduleSeconds: [Double]? = nil, jitter: Double? = nil,
                maxConsecutiveFailures: Int? = nil, circuitOpenSeconds: Double? = nil,
                disableAfterFailingSeconds: Double? = nil, concurrency: Int? = nil, caFile: String? = nil) {
        self.id = id
        self.url = url
        self.types = types
        self.headers = headers
        self.rateLimitPerSecond = rateLimitPerSecond
        self.timeoutSeconds = timeoutSeconds
        self.retryScheduleSeconds = retryScheduleSeconds
        self.jitter = jitter
        self.maxConsecutiveFailures = maxConsecutiveFailures
        self.circuitOpenSeconds = circuitOpenSeconds
        self.disableAfterFailingSeconds = disableAfterFailingSeconds
        self.concurrency = concurrency
        self.caFile = caFile
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, url, types, headers, jitter, concurrency
        case rateLimitPerSecond = "rate_limit_per_second"
        case timeoutSeconds = "timeout_seconds"
        case retryScheduleSeconds = "retry_schedule_seconds"
        case maxConsecutiveFailures = "max_consecutive_failures"
        case circuitOpenSeconds = "circuit_open_seconds"
        case disableAfterFailingSeconds = "disable_after_failing_seconds"
        case caFile = "ca_file"
    }

    /// Like the synthesized decoder, but an unknown key is an error (as everywhere in the
    /// gateway's config): a misspelt `timeout_secs` must not silently mean the default.
    public init(from decoder: any Decoder) throws {
        let all = try decoder.container(keyedBy: AnyKey.self)
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = all.allKeys.first(where: { !known.contains($0.stringValue) }) {
            throw DecodingError.dataCorruptedError(forKey: unknown, in: all,
                debugDescription: "unknown subscriber key \"\(unknown.stringValue)\"")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        url = try c.decode(String.self, forKey: .url)
        types = try c.decode([String].self, forKey: .types)
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers)
        rateLimitPerSecond = try c.decodeIfPresent(Double.self, forKey: .rateLimitPerSecond)
        timeoutSeconds = try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds)
        retryScheduleSeconds = try c.decodeIfPresent([Double].self, forKey: .retryScheduleSeconds)
        jitter = try c.decodeIfPresent(Double.self, forKey: .jitter)
        maxConsecutiveFailures = try c.decodeIfPresent(Int.self, forKey: .maxConsecutiveFailures)
        circuitOpenSeconds = try c.decodeIfPresent(Double.self, forKey: .circuitOpenSeconds)
        disableAfterFailingSeconds = try c.decodeIfPresent(Double.self, forKey: .disableAfterFailingSeconds)
        concurrency = try c.decodeIfPresent(Int.self, forKey: .concurrency)
        caFile = try c.decodeIfPresent(String.self, forKey: .caFile)
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
