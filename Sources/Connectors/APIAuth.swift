/// How requests prove who sends them. The secrets held here never appear in outcomes.
public enum APIAuth: Sendable {
    /// OAuth 2.0 client credentials (YunoJuno): a bearer token is fetched, cached and refreshed.
    /// `tokenURL` nil means the base URL plus `/oauth/token`.
    case oauthClientCredentials(tokenURL: String? = nil, clientID: String, clientSecret: String)
    /// A key in a header of its own (Roosted, `X-API-KEY` by default), sent as given.
    case apiKeyHeader(name: String = "X-API-KEY", key: String)
    /// `Authorization: Bearer <token>` (Luminous, Grow CRM).
    case bearer(token: String)
}
