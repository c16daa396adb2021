import Foundation
import Gateway
import Signing
import Sockets
import TestSupport
import XCTest

/// Who may read the operator endpoints: the bearer token when one is configured, loopback
/// peers only when none is; `/healthz`, `/readyz` and the webhook path stay open.
final class OperatorAuthTests: XCTestCase {
    static let token = "ops-token-7c1d2b5e9a"
    static let operatorPaths = ["/status", "/status.html", "/metrics", "/events", "/events/msg_1"]

    var harness: GatewayHarness!

    override func setUpWithError() throws { harness = try GatewayHarness() }
    override func tearDown() { harness.remove() }

    /// A gateway whose operator_token comes from a file (the harness's resolver has a fixed environment).
    func startWithToken() throws -> (Gateway, UInt16) {
        let tokenFile = harness.root.appendingPathComponent("operator-token").path
        try (Self.token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        return try harness.start { $0.operatorToken = SecretReference(file: tokenFile) }
    }

    func sendOneEvent(_ port: UInt16) throws {
        let body = GatewayHarness.event()
        let client = try RawClient(port: port)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "msg_1", body: body), body: body)?.status, 200,
                       "the webhook path never asks for the operator token")
    }

    func testWithATokenOperatorEndpointsAnswer401WithoutItOrWithAWrongOneAnd200WithIt() throws {
        let (gateway, port) = try startWithToken()
        defer { gateway.shutdown() }
        try sendOneEvent(port)
        for path in Self.operatorPaths {
            let missing = try OperatorTest.get(port, path)
            XCTAssertEqual(missing.status, 401, "\(path) without a token")
            XCTAssertEqual(missing.headers["www-authenticate"], "Bearer realm=\"gatehouse\"", path)
            XCTAssertFalse(missing.body.contains(Self.token))
            for wrong in ["Bearer wrong-token", "Bearer \(Self.token)x", "Bearer \(Self.token.dropLast())", "Basic \(Self.token)", "Bearer", Self.token] {
                XCTAssertEqual(try OperatorTest.get(port, path, headers: [("Authorization", wrong)]).status, 401, "\(path) with \(wrong)")
            }
            let good = try OperatorTest.get(port, path, headers: [("Authorization", "Bearer \(Self.token)")])
            XCTAssertEqual(good.status, 200, "\(path) with the token: \(good.body.prefix(200))")
            XCTAssertEqual(try OperatorTest.get(port, path, headers: [("Authorization", "bearer  \(Self.token) ")]).status, 200,
                           "the scheme is case-insensitive and spaces around the token are ignored")
        }
        for path in ["/healthz", "/readyz"] {
            XCTAssertEqual(try OperatorTest.get(port, path).status, 200, "\(path) stays open")
        }
    }

    func testTheTokenNeverAppearsInAnyAnswer() throws {
        let (gateway, port) = try startWithToken()
        defer { gateway.shutdown() }
        try sendOneEvent(port)
        let auth = [("Authorization", "Bearer \(Self.token)")]
        for path in Self.operatorPaths + ["/events/msg_1?body=1"] {
            let answer = try OperatorTest.get(port, path, headers: auth)
            XCTAssertEqual(answer.status, 200, path)
            XCTAssertFalse(answer.body.contains(Self.token), "\(path) shows the token")
            XCTAssertFalse(answer.body.contains(GatewayHarness.svixSecret), "\(path) shows a source secret")
        }
        let status = try OperatorTest.json(try OperatorTest.get(port, "/status", headers: auth))
        XCTAssertEqual(status[path: "operator_auth"], .string("bearer_token"))
    }

    func testWithoutATokenLoopbackPeersAreServed() throws {
        let (gateway, port) = try harness.start()
        defer { gateway.shutdown() }
        try sendOneEvent(port)
        for path in Self.operatorPaths {
            XCTAssertEqual(try OperatorTest.get(port, path).status, 200, path)
        }
        XCTAssertEqual(try OperatorTest.json(try OperatorTest.get(port, "/status"))[path: "operator_auth"], .string("loopback_only"))
        // A page on a name rebound to 127.0.0.1 sends its own name as Host; a local proxy adds its headers.
        func status(_ path: String, host: String) throws -> Int? {
            let client = try RawClient(port: port)
            client.send("GET \(path) HTTP/1.1\r\nHost: \(host)\r\n\r\n")
            return client.readResponses(1).first?.status
        }
        XCTAssertEqual(try status("/status", host: "rebound.example"), 403)
        XCTAssertEqual(try status("/status", host: "localhost:\(port)"), 200)
        XCTAssertEqual(try status("/healthz", host: "rebound.example"), 200, "not an operator route")
        XCTAssertEqual(try OperatorTest.get(port, "/status", headers: [("X-Forwarded-For", "203.0.113.9")]).status, 403)
    }

    func testAnUnresolvedTokenStopsTheStartWhenDevelopmentSecretsAreOff() throws {
        let missing = harness.root.appendingPathComponent("no-such-token").path
        XCTAssertThrowsError(try harness.start { $0.operatorToken = SecretReference(env: "GATEHOUSE_TEST_UNSET_TOKEN", file: missing) }) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("operator_token"), message)
            XCTAssertTrue(message.contains("GATEHOUSE_TEST_UNSET_TOKEN"), "the message names where it looked: \(message)")
        }
    }

    func testTheDecisionForEachPeerAndHeader() throws {
        let digest = SHA256Digest.hash(Array(Self.token.utf8))
        let remote4 = try SocketAddress(host: "10.1.2.3", port: 40000)
        let remote6 = try SocketAddress(host: "2001:db8::7", port: 40000)
        let mappedRemote = try SocketAddress(host: "::ffff:192.0.2.1", port: 40000)
        let loopback4 = try SocketAddress(host: "127.0.0.1", port: 40000)
        let loopback6 = try SocketAddress(host: "::1", port: 40000)

        // No token: loopback only; an unknown peer is not trusted.
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: loopback4, tokenDigest: nil), .allowed)
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: loopback6, tokenDigest: nil), .allowed)
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: remote4, tokenDigest: nil), .forbidden)
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: remote6, tokenDigest: nil), .forbidden)
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: mappedRemote, tokenDigest: nil), .forbidden)
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: nil, tokenDigest: nil), .forbidden)
        XCTAssertEqual(OperatorAccess.decide(authorization: "Bearer anything", peer: remote4, tokenDigest: nil), .forbidden)
        // From loopback, but addressed by another name (a rebound DNS name) or through a proxy.
        for host in ["127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080", "127.9.9.9"] {
            XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: loopback4, tokenDigest: nil, host: host), .allowed, host)
        }
        for host in ["evil.example", "evil.example:8080", "127.0.0.1.evil.example", "10.0.0.1", "localhost.evil.example", "[::2]"] {
            XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: loopback4, tokenDigest: nil, host: host), .forbidden, host)
        }
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: loopback4, tokenDigest: nil, host: "localhost", proxied: true), .forbidden)
        XCTAssertEqual(OperatorAccess.decide(authorization: "Bearer \(Self.token)", peer: loopback4, tokenDigest: digest, host: "evil.example",
                                             proxied: true), .allowed, "a token is checked, not the address")

        // A token: required from everyone, loopback included.
        XCTAssertEqual(OperatorAccess.decide(authorization: "Bearer \(Self.token)", peer: remote4, tokenDigest: digest), .allowed)
        XCTAssertEqual(OperatorAccess.decide(authorization: "Bearer \(Self.token)", peer: nil, tokenDigest: digest), .allowed)
        XCTAssertEqual(OperatorAccess.decide(authorization: nil, peer: loopback4, tokenDigest: digest), .unauthorized)
        XCTAssertEqual(OperatorAccess.decide(authorization: "Bearer nope", peer: loopback4, tokenDigest: digest), .unauthorized)
        XCTAssertEqual(OperatorAccess.decide(authorization: "Bearer ", peer: remote4, tokenDigest: digest), .unauthorized)
    }
}
