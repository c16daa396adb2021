import Connectors
import Gateway
import Simulators

/// The embedded default's stand-ins for the four APIs: started in-process on loopback ports
/// so a fresh checkout shows the whole flow with no credentials.
enum SimulatedAPIs {
    static func start(logger: Logger) throws -> (SimulatorFleet, ConnectorSettings) {
        let fleet = SimulatorFleet()
        try fleet.start()
        let dev = SimulatorCredentials.development
        let settings = ConnectorSettings(
            yunojuno: APIEndpoint(baseURL: fleet.baseURL(for: .yunojuno), timeoutSeconds: 15, concurrency: 4,
                                  auth: .oauthClientCredentials(tokenURL: nil, clientID: dev.yunojunoClientID, clientSecret: dev.yunojunoClientSecret)),
            roosted: APIEndpoint(baseURL: fleet.baseURL(for: .roosted), timeoutSeconds: 15, concurrency: 4,
                                 auth: .apiKeyHeader(name: dev.roostedHeaderName, key: dev.roostedAPIKey)),
            luminous: APIEndpoint(baseURL: fleet.baseURL(for: .luminous), timeoutSeconds: 15, concurrency: 4,
                                  auth: .bearer(token: dev.luminousToken)),
            growcrm: APIEndpoint(baseURL: fleet.baseURL(for: .growcrm), timeoutSeconds: 15, concurrency: 4,
                                 auth: .bearer(token: dev.growcrmAPIKey)))
        for api in SimulatedAPI.allCases {
            logger.info("simulated API started (apis.simulate is on)", [("api", api.rawValue), ("base_url", fleet.baseURL(for: api))])
        }
        return (fleet, settings)
    }
}
