import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing
import Simulators
import XCTest
@testable import Connectors

/// URLSession on Linux, as the connectors use it.
final class TransportTests: XCTestCase {
    func testABasicChallengeComesBackAsThe401() async throws {
        let simulator = APISimulator(api: .yunojuno)
        try simulator.start()
        defer { simulator.shutdown() }
        let transport = Transport(configuration: nil, maximumConnectionsPerHost: 1)
        var request = URLRequest(url: URL(string: simulator.baseURL + "/oauth/token")!)
        request.httpMethod = "POST"
        request.setValue("Basic \(Data("who:wrong".utf8).base64EncodedString())", forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("grant_type=client_credentials".utf8)
        let started = ContinuousClock.now
        let result = await transport.send(request, timeoutSeconds: 3)
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1), "answered, not timed out")
        guard case .reply(let reply) = result else { return XCTFail("expected the 401, got \(result)") }
        XCTAssertEqual(reply.status, 401)
        XCTAssertEqual(reply.header("WWW-Authenticate"), #"Basic realm="oauth""#)
        XCTAssertEqual(reply.json?[path: "error"], .string("invalid_client"))
        XCTAssertEqual(simulator.journal().count, 1, "URLSession did not answer the challenge itself")
    }

    /// An answer is held whole in memory, so past a bound the transfer fails rather than
    /// reading on until the timeout.
    func testAnOversizedAnswerFailsInsteadOfGrowingWithoutLimit() async throws {
        let simulator = APISimulator(api: .growcrm)
        try simulator.start()
        defer { simulator.shutdown() }
        simulator.faults.add(.status(200, body: String(repeating: "x", count: SessionDelegate.maxAnswerBytes + 1_000_000)), times: 1,
                             method: "GET", pathPrefix: "/contacts")
        let transport = Transport(configuration: nil, maximumConnectionsPerHost: 1)
        var request = URLRequest(url: URL(string: simulator.baseURL + "/contacts/2")!)
        request.setValue("Bearer dev-growcrm-key", forHTTPHeaderField: "Authorization")
        let result = await transport.send(request, timeoutSeconds: 10)
        guard case .failed(let code) = result else { return XCTFail("expected a failure, got \(result)") }
        XCTAssertEqual(code, .dataLengthExceedsMaximum)
        XCTAssertEqual(AttemptFailure.transport(result, timeoutSeconds: 10).detail, "the answer was over 4 MiB and was not read further")
        // The next, ordinary answer is read as before.
        guard case .reply(let reply) = await transport.send(request, timeoutSeconds: 10) else { return XCTFail("no answer") }
        XCTAssertEqual(reply.status, 200)
    }

    func testATokenTheAPIDoesNotKnowIsRefetchedOnceThenPermanent() async throws {
        // Tokens from another YunoJuno are unknown here: the API answers 401 with a Bearer challenge.
        let api = APISimulator(api: .yunojuno), issuer = APISimulator(api: .yunojuno)
        try api.start()
        try issuer.start()
        defer { api.shutdown(); issuer.shutdown() }
        let connectors = ConnectorSet(settings: ConnectorSettings(yunojuno: APIEndpoint(
            baseURL: api.baseURL, timeoutSeconds: 3,
            auth: .oauthClientCredentials(tokenURL: issuer.baseURL + "/oauth/token", clientID: "dev-yunojuno-client", clientSecret: "dev-yunojuno-secret"))))
        let outcome = await withCheckedContinuation { continuation in
            connectors.perform(action("yunojuno", "invite_contact", body: YunoJunoTests.invite), mode: .fresh) { outcome, _ in
                continuation.resume(returning: outcome)
            }
        }
        XCTAssertEqual(outcome, .permanent(status: 401, error: "yunojuno invite_contact: YunoJuno refused the credentials (HTTP 401): Invalid token."))
        XCTAssertEqual(issuer.journal().map(\.target), ["/oauth/token", "/oauth/token"], "one refetch after the 401")
        XCTAssertEqual(api.journal().map(\.status), [401, 401])
    }

    func testAGivenSessionsConfigurationIsUsed() async throws {
        let simulator = APISimulator(api: .growcrm)
        try simulator.start()
        defer { simulator.shutdown() }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpAdditionalHeaders = ["X-Trace": "gatehouse-test"]
        let connectors = ConnectorSet(settings: ConnectorSettings(growcrm: APIEndpoint(baseURL: simulator.baseURL, auth: .bearer(token: "dev-growcrm-key"))),
                                      session: URLSession(configuration: configuration))
        let outcome = await withCheckedContinuation { continuation in
            connectors.perform(action("growcrm", "get_contact", params: ["id": "2"]), mode: .fresh) { outcome, _ in continuation.resume(returning: outcome) }
        }
        XCTAssertEqual(success(outcome)?.result, json(#"{"id": 2, "name": "Alice Owner", "email": "alice@acme.example"}"#))
        XCTAssertEqual(simulator.journal().first?.header("x-trace"), "gatehouse-test")
    }

    func testARedirectIsTheAnswerNotFollowed() async throws {
        let body = #"{"message": "Moved."}"#
        let server = try FixedAnswerServer(answer: "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Type: application/json\r\n"
                                           + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)")
        defer { server.stop() }
        let connectors = ConnectorSet(settings: ConnectorSettings(growcrm: APIEndpoint(baseURL: "http://127.0.0.1:\(server.port)/api", timeoutSeconds: 3, auth: .bearer(token: "k"))))
        let outcome = await withCheckedContinuation { continuation in
            connectors.perform(action("growcrm", "create_contact", body: GrowCRMTests.jane), mode: .fresh) { outcome, _ in continuation.resume(returning: outcome) }
        }
        XCTAssertEqual(outcome, .permanent(status: 302, error: "growcrm create_contact: HTTP 302: Moved."))
    }
}
