import Connectors
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing
import Simulators
import XCTest

/// The four simulators on loopback and a `ConnectorSet` configured for them.
final class Harness: Sendable {
    let fleet: SimulatorFleet
    let connectors: ConnectorSet

    init(credentials: SimulatorCredentials = .development, timeoutSeconds: Double = 5, concurrency: Int = 4,
         yunojunoSecret: String? = nil, luminousToken: String? = nil) throws {
        let fleet = SimulatorFleet(credentials: credentials)
        try fleet.start()
        self.fleet = fleet
        func endpoint(_ api: SimulatedAPI, _ auth: APIAuth) -> APIEndpoint {
            APIEndpoint(baseURL: fleet.baseURL(for: api), timeoutSeconds: timeoutSeconds, concurrency: concurrency, auth: auth)
        }
        let settings = ConnectorSettings(
            yunojuno: endpoint(.yunojuno, .oauthClientCredentials(clientID: credentials.yunojunoClientID,
                                                                   clientSecret: yunojunoSecret ?? credentials.yunojunoClientSecret)),
            roosted: endpoint(.roosted, .apiKeyHeader(name: credentials.roostedHeaderName, key: credentials.roostedAPIKey)),
            luminous: endpoint(.luminous, .bearer(token: luminousToken ?? credentials.luminousToken)),
            growcrm: endpoint(.growcrm, .bearer(token: credentials.growcrmAPIKey)))
        connectors = ConnectorSet(settings: settings)
    }

    func stop() { fleet.shutdown() }

    var yunojuno: APISimulator { fleet.yunojuno }
    var roosted: APISimulator { fleet.roosted }
    var luminous: APISimulator { fleet.luminous }
    var growcrm: APISimulator { fleet.growcrm }

    func perform(_ action: RenderedAction, mode: AttemptMode = .fresh) async -> ActionOutcome {
        await performTimed(action, mode: mode).outcome
    }

    func performTimed(_ action: RenderedAction, mode: AttemptMode = .fresh) async -> (outcome: ActionOutcome, latency: Int) {
        await withCheckedContinuation { continuation in
            connectors.perform(action, mode: mode) { outcome, latency in continuation.resume(returning: (outcome, latency)) }
        }
    }

    /// The simulator's records, read through its control surface.
    func state(_ simulator: APISimulator) async throws -> JSONValue {
        let url = URL(string: "http://127.0.0.1:\(simulator.port ?? 0)/_sim/state")!
        let (data, _) = try await URLSession.shared.data(from: url)
        return try XCTUnwrap(JSONValue.parse(Array(data))[path: "state"])
    }

    /// Requests every simulator received, oldest first per simulator.
    var allRequests: [RecordedRequest] { fleet.simulators.flatMap { $0.journal() } }
}

func action(_ api: String, _ operation: String, params: [String: String] = [:], body: String? = nil) -> RenderedAction {
    RenderedAction(name: "test", api: api, operation: operation, params: params, body: body.map(json))
}

func json(_ text: String) -> JSONValue {
    do { return try JSONValue.parse(Array(text.utf8)) } catch { fatalError("bad test JSON: \(text)") }
}

func bodyJSON(_ request: RecordedRequest) -> JSONValue? { try? JSONValue.parse(request.body) }

func records(_ state: JSONValue, _ key: String) -> [JSONValue] {
    if case .array(let items)? = state[path: key] { return items }
    return []
}

/// The parts of a success, or a test failure naming what came instead.
func success(_ outcome: ActionOutcome, file: StaticString = #filePath, line: UInt = #line) -> (status: Int, result: JSONValue, note: String?)? {
    guard case .succeeded(let status, let result, let note) = outcome else {
        XCTFail("expected success, got \(outcome)", file: file, line: line)
        return nil
    }
    return (status, result, note)
}

func permanent(_ outcome: ActionOutcome, file: StaticString = #filePath, line: UInt = #line) -> (status: Int?, error: String)? {
    guard case .permanent(let status, let error) = outcome else {
        XCTFail("expected a permanent failure, got \(outcome)", file: file, line: line)
        return nil
    }
    return (status, error)
}

func retryable(_ outcome: ActionOutcome, file: StaticString = #filePath, line: UInt = #line) -> (status: Int?, error: String, retryAfter: Double?)? {
    guard case .retryable(let status, let error, let retryAfter) = outcome else {
        XCTFail("expected a retryable failure, got \(outcome)", file: file, line: line)
        return nil
    }
    return (status, error, retryAfter)
}

func string(_ length: Int) -> String { String(repeating: "a", count: length) }
