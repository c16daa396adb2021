/// Where the four downstream APIs are and how to authenticate. With `simulate` on (the
/// embedded default) `serve` starts the built-in simulators and points every API at them
/// with their development credentials; the endpoints below are then ignored.
public struct APISettings: Sendable, Codable {
    public var simulate = true
    public var yunojuno: Endpoint?
    public var roosted: Endpoint?
    public var luminous: Endpoint?
    public var growcrm: Endpoint?

    public init() {}

    public struct Endpoint: Sendable, Codable {
        public var baseURL: String
        public var timeoutSeconds: Double?
        public var concurrency: Int?
        /// YunoJuno: OAuth client credentials.
        public var clientID: SecretReference?
        public var clientSecret: SecretReference?
        public var tokenURL: String?
        /// Roosted: the key and the header it goes in (default `X-API-KEY`).
        public var apiKey: SecretReference?
        public var authHeader: String?
        /// Luminous and Grow CRM: a bearer token.
        public var token: SecretReference?

        public init(baseURL: String) { self.baseURL = baseURL }

        enum CodingKeys: String, CodingKey {
            case baseURL = "base_url", timeoutSeconds = "timeout_seconds", concurrency
            case clientID = "client_id", clientSecret = "client_secret", tokenURL = "token_url"
            case apiKey = "api_key", authHeader = "auth_header", token
        }
    }
}

/// How actions are retried (see `RetryPolicy`).
public struct ActionSettings: Sendable, Codable {
    public var retryScheduleSeconds = RetryPolicy.standard.schedule
    public var maxAgeSeconds = RetryPolicy.standard.maxAgeSeconds
    public var jitter = RetryPolicy.standard.jitter

    public init() {}

    public var policy: RetryPolicy { RetryPolicy(schedule: retryScheduleSeconds, maxAgeSeconds: maxAgeSeconds, jitter: jitter) }

    enum CodingKeys: String, CodingKey {
        case retryScheduleSeconds = "retry_schedule_seconds", maxAgeSeconds = "max_age_seconds", jitter
    }
}
