import Connectors

/// Builds the connectors' settings from the config file's API section, reading each
/// credential from its environment variable or file. A configured API whose credential is
/// missing stops the start with a message naming where it was looked for.
enum ConnectorSettingsResolver {
    static func resolve(_ apis: APISettings, secrets: SecretResolver) throws -> ConnectorSettings {
        func secret(_ reference: SecretReference?, _ what: String) throws -> String {
            guard let reference else { throw ConfigurationError("apis.\(what) is not configured") }
            guard let value = try secrets.resolve(reference) else {
                throw ConfigurationError("apis.\(what): no value found in \(reference)")
            }
            return value
        }
        func endpoint(_ e: APISettings.Endpoint?, _ name: String, auth: (APISettings.Endpoint) throws -> APIAuth) throws -> APIEndpoint? {
            guard let e else { return nil }
            return APIEndpoint(baseURL: e.baseURL, timeoutSeconds: e.timeoutSeconds ?? 15, concurrency: e.concurrency ?? 4, auth: try auth(e))
        }
        return ConnectorSettings(
            yunojuno: try endpoint(apis.yunojuno, "yunojuno") { e in
                .oauthClientCredentials(tokenURL: e.tokenURL, clientID: try secret(e.clientID, "yunojuno.client_id"),
                                        clientSecret: try secret(e.clientSecret, "yunojuno.client_secret"))
            },
            roosted: try endpoint(apis.roosted, "roosted") { e in
                .apiKeyHeader(name: e.authHeader ?? "X-API-KEY", key: try secret(e.apiKey, "roosted.api_key"))
            },
            luminous: try endpoint(apis.luminous, "luminous") { e in .bearer(token: try secret(e.token, "luminous.token")) },
            growcrm: try endpoint(apis.growcrm, "growcrm") { e in .bearer(token: try secret(e.token, "growcrm.token")) })
    }
}
