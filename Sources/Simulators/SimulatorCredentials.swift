/// What each simulator accepts as proof of identity. The development values are fixed and
/// published on purpose: the embedded default setup must work with no secrets at all.
public struct SimulatorCredentials: Sendable, Equatable {
    /// OAuth 2.0 client-credentials pair that `POST /oauth/token` exchanges for a bearer token.
    public var yunojunoClientID: String
    public var yunojunoClientSecret: String
    /// How long an issued token stays live (`expires_in`); tests shorten it to see expiry.
    public var yunojunoTokenLifetimeSeconds: Int
    public var roostedAPIKey: String
    /// The reference says `X-API-KEY`; one guide says `Authorization: Bearer`, so it is a setting.
    /// When set to `Authorization`, a `Bearer ` prefix on the value is accepted.
    public var roostedHeaderName: String
    public var luminousToken: String
    public var growcrmAPIKey: String

    public init(yunojunoClientID: String = "dev-yunojuno-client",
                yunojunoClientSecret: String = "dev-yunojuno-secret",
                yunojunoTokenLifetimeSeconds: Int = 3600,
                roostedAPIKey: String = "dev-roosted-key",
                roostedHeaderName: String = "X-API-KEY",
                luminousToken: String = "dev-luminous-token",
                growcrmAPIKey: String = "dev-growcrm-key") {
        self.yunojunoClientID = yunojunoClientID
        self.yunojunoClientSecret = yunojunoClientSecret
        self.yunojunoTokenLifetimeSeconds = yunojunoTokenLifetimeSeconds
        self.roostedAPIKey = roostedAPIKey
        self.roostedHeaderName = roostedHeaderName
        self.luminousToken = luminousToken
        self.growcrmAPIKey = growcrmAPIKey
    }

    /// yunojuno `dev-yunojuno-client` / `dev-yunojuno-secret` (tokens live 3600 s),
    /// roosted `X-API-KEY: dev-roosted-key`, luminous `Bearer dev-luminous-token`,
    /// growcrm `Bearer dev-growcrm-key`.
    public static let development = SimulatorCredentials()
}
