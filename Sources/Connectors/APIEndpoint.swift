/// Where one API lives and how the gateway talks to it.
public struct APIEndpoint: Sendable {
    /// The API's base URL, documented paths are appended to it (`https://example.com/api`).
    public var baseURL: String
    /// The longest one HTTP request may take, from sending to the whole answer.
    public var timeoutSeconds: Double
    /// Requests in flight at once; further ones wait their turn.
    public var concurrency: Int
    public var auth: APIAuth

    public init(baseURL: String, timeoutSeconds: Double = 15, concurrency: Int = 4, auth: APIAuth) {
        self.baseURL = baseURL
        self.timeoutSeconds = timeoutSeconds
        self.concurrency = concurrency
        self.auth = auth
    }
}
