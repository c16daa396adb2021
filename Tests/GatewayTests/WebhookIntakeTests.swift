import EventLog
import Foundation
import Gateway
import Routing
import Signing
import TestSupport
import XCTest

final class WebhookIntakeTests: XCTestCase {
    var harness: GatewayHarness!

    override func setUpWithError() throws { harness = try GatewayHarness() }
    override func tearDown() { harness.remove() }

    /// Reads the log the way a restart would and returns the `received` events.
    func loggedEvents() throws -> [ReceivedEvent] {
        let log = try FileLog.open(directory: harness.data + "/log")
        defer { log.close() }
        var events: [ReceivedEvent] = []
        try log.read(from: 0) { record in
            if case .received(let e) = try LogEvent.decode(record.payload) { events.append(e) }
            return true
        }
        return events
    }

    func testSignedSvixDeliveryIsAcknowledgedOnlyOnceLogged() throws {
        let (gateway, port) = try harness.start()
        let body = GatewayHarness.event()
        let client = try RawClient(port: port)
        let response = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "msg_1", body: body), body: body)
        XCTAssertEqual(response?.status, 200)
        XCTAssertTrue(response?.body.contains(#""status":"accepted""#) ?? false, response?.body ?? "")
        gateway.shutdown()
        let events = try loggedEvents()
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.eventID, "msg_1")
        XCTAssertEqual(events.first?.eventType, "client.client_contact.created")
        XCTAssertEqual(events.first?.body, body)
    }

    /// A source without rules plans nothing, and its `received` record says so itself: one
    /// record per webhook, never unrouted, shown as routed at intake, across a restart.
    func testAnEventOfASourceWithoutRulesIsItsOwnRoutingRecord() throws {
        do {
            let (gateway, port) = try harness.start()
            let body = GatewayHarness.event()
            let client = try RawClient(port: port)
            let response = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "msg_norules", body: body), body: body)
            XCTAssertEqual(response?.status, 200)
            XCTAssertEqual(gateway.state.unrouted, [])
            gateway.shutdown()
        }
        let log = try FileLog.open(directory: harness.data + "/log")
        var records: [LogEvent] = []
        try log.read(from: 0) { records.append(try LogEvent.decode($0.payload)); return true }
        log.close()
        XCTAssertEqual(records.count, 1, "no routed record follows: \(records)")
        guard case .received(let event)? = records.first else { return XCTFail("\(records)") }
        XCTAssertTrue(event.routedAtIntake)

        let (gateway, port) = try harness.start()
        defer { gateway.shutdown() }
        XCTAssertEqual(gateway.state.unrouted, [], "a restart does not route it again")
        let doc = try OperatorTest.json(try OperatorTest.get(port, "/events/msg_norules"))
        let delivery = try XCTUnwrap(OperatorTest.items(doc[path: "deliveries"]).first)
        let history = OperatorTest.items(delivery[path: "history"])
        XCTAssertEqual(history.count, 1)
        XCTAssertEqual(history.first?[path: "kind"], .string("received"))
        XCTAssertEqual(history.first?[path: "routed_at_intake"], .bool(true))
        XCTAssertEqual(delivery[path: "state"], .string("received"))
    }

    func testForgedStaleAndUnsignedDeliveriesGetOneGeneric401() throws {
        let (gateway, port) = try harness.start()
        defer { gateway.shutdown() }
        let body = GatewayHarness.event()
        let client = try RawClient(port: port)
        let forged = GatewayHarness.svixHeaders(id: "msg_f", body: body, secret: "whsec_" + Base64.encode(Array("not the right key at all".utf8)))
        let stale = GatewayHarness.svixHeaders(id: "msg_s", body: body, timestamp: Int64(Date().timeIntervalSince1970) - 301)
        let future = GatewayHarness.svixHeaders(id: "msg_u", body: body, timestamp: Int64(Date().timeIntervalSince1970) + 301)
        var tampered = body
        tampered[tampered.count - 3] ^= 1
        let answers = [
            client.request("POST", "/webhooks/yunojuno", headers: forged, body: body),
            client.request("POST", "/webhooks/yunojuno", headers: stale, body: body),
            client.request("POST", "/webhooks/yunojuno", headers: future, body: body),
            client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "msg_t", body: body), body: tampered),
            client.request("POST", "/webhooks/yunojuno", headers: [("Content-Type", "application/json")], body: body),
        ]
        XCTAssertEqual(answers.map { $0?.status }, [401, 401, 401, 401, 401])
        XCTAssertEqual(Set(answers.map { $0?.body }).count, 1, "the answer must not tell which check failed")
        let status = try XCTUnwrap(client.request("GET", "/status"))
        XCTAssertTrue(status.body.contains(#""bad_signature": 2"#), status.body)
        XCTAssertTrue(status.body.contains(#""stale_timestamp": 2"#), status.body)
        XCTAssertTrue(status.body.contains(#""missing_signature": 1"#), status.body)
    }

    /// A signature, timestamp or id header sent twice is refused: which copy counts would
    /// otherwise depend on who reads it (the first here, maybe the last in a proxy).
    func testRepeatedSignatureHeadersAreRefused() throws {
        let (gateway, port) = try harness.start()
        defer { gateway.shutdown() }
        let body = GatewayHarness.event()
        let client = try RawClient(port: port)
        let good = GatewayHarness.svixHeaders(id: "msg_rep", body: body)
        let decoy = GatewayHarness.svixHeaders(id: "msg_other", body: body, secret: "whsec_" + Base64.encode(Array("another key entirely".utf8)))
        var answers: [Int?] = []
        for name in ["svix-signature", "svix-id", "svix-timestamp"] {
            // The valid value first, so reading only the first copy would accept it.
            let repeated = good + decoy.filter { $0.0.lowercased() == name }
            answers.append(client.request("POST", "/webhooks/yunojuno", headers: repeated, body: body)?.status)
        }
        XCTAssertEqual(answers, [401, 401, 401])
        let status = try XCTUnwrap(client.request("GET", "/status"))
        XCTAssertTrue(status.body.contains(#""repeated_header": 3"#), status.body)
        // The same delivery with each header once is accepted: the refusals wrote nothing.
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: good, body: body)?.status, 200)
    }

    func testRotatedSecretIsAccepted() throws {
        let (gateway, port) = try harness.start()
        defer { gateway.shutdown() }
        let body = GatewayHarness.event()
        let client = try RawClient(port: port)
        let headers = GatewayHarness.svixHeaders(id: "msg_rot", body: body, secret: GatewayHarness.svixSecretRotated)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: headers, body: body)?.status, 200)
    }

    func testUnknownSourceIs404AndWrongMethodIs405() throws {
        let (gateway, port) = try harness.start()
        defer { gateway.shutdown() }
        let client = try RawClient(port: port)
        XCTAssertEqual(client.request("POST", "/webhooks/nope", body: [1])?.status, 404)
        XCTAssertEqual(client.request("GET", "/webhooks/yunojuno")?.status, 405)
    }

    func testDuplicateIsAcknowledgedButWrittenOnceEvenAfterRestart() throws {
        var (gateway, port) = try harness.start()
        let body = GatewayHarness.event()
        let headers = GatewayHarness.svixHeaders(id: "msg_dup", body: body)
        var client = try RawClient(port: port)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: headers, body: body)?.status, 200)
        let again = client.request("POST", "/webhooks/yunojuno", headers: headers, body: body)
        XCTAssertEqual(again?.status, 200)
        XCTAssertTrue(again?.body.contains("duplicate") ?? false)
        gateway.shutdown()
        (gateway, port) = try harness.start()
        client = try RawClient(port: port)
        let afterRestart = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "msg_dup", body: body), body: body)
        XCTAssertTrue(afterRestart?.body.contains("duplicate") ?? false, "dedupe index not rebuilt from the log")
        gateway.shutdown()
        XCTAssertEqual(try loggedEvents().filter { $0.eventID == "msg_dup" }.count, 1)
    }

    func testConcurrentCopiesOfOneEventAreWrittenOnce() throws {
        let (gateway, port) = try harness.start()
        let body = GatewayHarness.event()
        let headers = GatewayHarness.svixHeaders(id: "msg_race", body: body)
        let statuses = LockedList<Int>()
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            let client = try! RawClient(port: port)
            statuses.append(client.request("POST", "/webhooks/yunojuno", headers: headers, body: body)?.status ?? 0)
        }
        gateway.shutdown()
        XCTAssertEqual(statuses.items, Array(repeating: 200, count: 16))
        XCTAssertEqual(try loggedEvents().count, 1)
    }

    func testGenericHMACSourceTakesIdFromBodyPath() throws {
        let (gateway, port) = try harness.start()
        let body = Array(#"{"kind":"signup","submission":{"id":"sub-42","email":"x@example.com"}}"#.utf8)
        let ts = Int64(Date().timeIntervalSince1970)
        let mac = HMACSHA256.authenticate(Array("\(ts).".utf8) + body, key: Array(GatewayHarness.formSecret.utf8))
        let client = try RawClient(port: port)
        let response = client.request("POST", "/webhooks/form", headers: [("X-Sig", "sha256=" + Hex.encode(mac)), ("X-Ts", "\(ts)")], body: body)
        XCTAssertEqual(response?.status, 200)
        // Signed, but the configured id path leads nowhere: the body cannot be read by the rules.
        let noID = Array(#"{"kind":"signup"}"#.utf8)
        let mac2 = HMACSHA256.authenticate(Array("\(ts).".utf8) + noID, key: Array(GatewayHarness.formSecret.utf8))
        XCTAssertEqual(client.request("POST", "/webhooks/form", headers: [("X-Sig", "sha256=" + Hex.encode(mac2)), ("X-Ts", "\(ts)")], body: noID)?.status, 400)
        gateway.shutdown()
        let events = try loggedEvents()
        XCTAssertEqual(events.map(\.eventID), ["sub-42"])
        XCTAssertEqual(events.first?.eventType, "signup")
    }

    /// A source with rules routes its body as JSON: a body that is not JSON is refused (400)
    /// rather than accepted and routed as nothing. Without rules it is stored as it came.
    func testABodyARuleBearingSourceCannotReadIsABadRequest() throws {
        try #"{"verify": {"scheme": "github", "secrets": [{"env": "GH_SECRET"}]}, "rules": [{"name": "r", "when": {"type": "push"}, "actions": [{"name": "a", "api": "growcrm", "operation": "get_contact", "params": {"id": "1"}}]}]}"#
            .write(toFile: harness.routes + "/gh.json", atomically: true, encoding: .utf8)
        try #"{"verify": {"scheme": "github", "secrets": [{"env": "GH_SECRET"}]}}"#
            .write(toFile: harness.routes + "/plain.json", atomically: true, encoding: .utf8)
        let (gateway, port) = try harness.start { $0.apis.simulate = false }
        defer { gateway.shutdown() }
        let client = try RawClient(port: port)
        func post(_ source: String, _ body: [UInt8]) -> Int? {
            let signature = "sha256=" + Hex.encode(HMACSHA256.authenticate(body, key: Array(GatewayHarness.githubSecret.utf8)))
            return client.request("POST", "/webhooks/\(source)", headers: [("X-Hub-Signature-256", signature), ("X-GitHub-Event", "push"),
                                                                            ("X-GitHub-Delivery", UUID().uuidString)], body: body)?.status
        }
        let form = Array("payload=%7B%22ref%22%3A%22main%22%7D".utf8)
        XCTAssertEqual(post("gh", form), 400)
        XCTAssertEqual(post("gh", Array(#"{"ref":"main"}"#.utf8)), 200)
        XCTAssertEqual(post("plain", form), 200, "no rules: stored as it came")
    }

    /// GitHub signs the body but not `X-GitHub-Delivery`: whoever captured a delivery could
    /// resend it under a new delivery id. The body is a second dedupe key, live, while the
    /// first copy is in flight, and after a restart that rebuilds the state from the log.
    func testGitHubDeliveryReplayedUnderANewIdIsADuplicate() throws {
        try #"{"verify": {"scheme": "github", "secrets": [{"env": "GH_SECRET"}]}}"#
            .write(toFile: harness.routes + "/gh.json", atomically: true, encoding: .utf8)
        @Sendable func post(_ client: RawClient, delivery: String, body: [UInt8]) -> ParsedResponse? {
            let signature = "sha256=" + Hex.encode(HMACSHA256.authenticate(body, key: Array(GatewayHarness.githubSecret.utf8)))
            return client.request("POST", "/webhooks/gh", headers: [("X-Hub-Signature-256", signature), ("X-GitHub-Delivery", delivery),
                                                                     ("Content-Type", "application/json")], body: body)
        }
        let pushed = Array(#"{"ref":"refs/heads/main","after":"7d1f"}"#.utf8)
        var (gateway, port) = try harness.start()
        var client = try RawClient(port: port)
        XCTAssertEqual(post(client, delivery: "d-1", body: pushed)?.body.contains("accepted"), true)
        XCTAssertEqual(post(client, delivery: "d-2", body: pushed)?.body.contains("duplicate"), true, "replayed under a new id")
        XCTAssertEqual(post(client, delivery: "d-1", body: pushed)?.body.contains("duplicate"), true)
        // Or with the id header dropped: the id is then the digest, which is the second key.
        let signature = "sha256=" + Hex.encode(HMACSHA256.authenticate(pushed, key: Array(GatewayHarness.githubSecret.utf8)))
        XCTAssertEqual(client.request("POST", "/webhooks/gh", headers: [("X-Hub-Signature-256", signature)], body: pushed)?
            .body.contains("duplicate"), true, "replayed without an id")
        // Copies racing the first write of a new body, each under its own id: one is written.
        let opened = Array(#"{"action":"opened","number":7}"#.utf8)
        let statuses = LockedList<String>()
        let racePort = port
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let racer = try! RawClient(port: racePort)
            statuses.append(post(racer, delivery: "race-\(i)", body: opened)?.body ?? "failed")
        }
        XCTAssertEqual(statuses.items.filter { $0.contains("accepted") }.count, 1, "\(statuses.items)")
        XCTAssertEqual(statuses.items.filter { $0.contains("duplicate") }.count, 7)
        gateway.shutdown()

        (gateway, port) = try harness.start()
        client = try RawClient(port: port)
        XCTAssertEqual(post(client, delivery: "d-3", body: pushed)?.body.contains("duplicate"), true, "the second key was not rebuilt from the log")
        XCTAssertEqual(post(client, delivery: "d-4", body: Array(#"{"ref":"refs/heads/dev"}"#.utf8))?.body.contains("accepted"), true)
        gateway.shutdown()
        XCTAssertEqual(try loggedEvents().filter { $0.source == "gh" }.count, 3)
    }

    /// Where the timestamp is signed, the second key covers it too: a heartbeat sent again
    /// later with the same body is a new event; the same delivery under a new id is not.
    func testSecondKeyOfATimestampedSchemeCoversTheTimestamp() throws {
        try #"{"verify": {"scheme": "hmac", "secrets": [{"env": "FORM_SECRET"}], "hmac": {"header": "X-Sig", "prefix": "sha256=", "timestamp_header": "X-Ts", "id_header": "X-Id"}}}"#
            .write(toFile: harness.routes + "/tick.json", atomically: true, encoding: .utf8)
        let (gateway, port) = try harness.start()
        let client = try RawClient(port: port)
        let body = Array(#"{"status":"ok"}"#.utf8)
        func post(id: String?, at ts: Int64) -> String? {
            let mac = HMACSHA256.authenticate(Array("\(ts).".utf8) + body, key: Array(GatewayHarness.formSecret.utf8))
            let headers = [("X-Sig", "sha256=" + Hex.encode(mac)), ("X-Ts", "\(ts)")] + (id.map { [("X-Id", $0)] } ?? [])
            return client.request("POST", "/webhooks/tick", headers: headers, body: body)?.body
        }
        let now = Int64(Date().timeIntervalSince1970)
        XCTAssertEqual(post(id: "t-1", at: now - 5)?.contains("accepted"), true)
        XCTAssertEqual(post(id: "t-2", at: now - 5)?.contains("duplicate"), true, "the same delivery under a new id")
        XCTAssertEqual(post(id: nil, at: now - 5)?.contains("duplicate"), true, "the same delivery with its id header dropped")
        XCTAssertEqual(post(id: "t-3", at: now)?.contains("accepted"), true, "the same body, signed later, is a new event")
        // Sent first without an id, then replayed with one made up: still one event.
        XCTAssertEqual(post(id: nil, at: now - 9)?.contains("accepted"), true)
        XCTAssertEqual(post(id: "made-up", at: now - 9)?.contains("duplicate"), true, "a replay given an id header")
        gateway.shutdown()
        XCTAssertEqual(try loggedEvents().filter { $0.source == "tick" }.count, 3)
    }

    /// An id or type read from the body goes into the record beside the body: with large
    /// bodies allowed, a long one pushed the record past the log's limit (the body limit plus
    /// 64 KiB), answered 503, which a sender retries forever.
    func testOverlongEventIdIsABadRequestNotARetry() throws {
        let (gateway, port) = try harness.start { $0.maxBodyBytes = 8 << 20 }
        defer { gateway.shutdown() }
        let id = String(repeating: "i", count: 4_500_000), padding = String(repeating: "p", count: 500_000)
        let body = Array(#"{"kind":"signup","submission":{"id":"\#(id)","pad":"\#(padding)"}}"#.utf8)
        let ts = Int64(Date().timeIntervalSince1970)
        let mac = HMACSHA256.authenticate(Array("\(ts).".utf8) + body, key: Array(GatewayHarness.formSecret.utf8))
        let client = try RawClient(port: port)
        let response = client.request("POST", "/webhooks/form", headers: [("X-Sig", "sha256=" + Hex.encode(mac)), ("X-Ts", "\(ts)")], body: body)
        XCTAssertEqual(response?.status, 400)
        XCTAssertEqual(response?.body, "event id, type or content type too long\n", "not taken for an unreadable body")
        let status = try JSONValue.parse(Array((client.request("GET", "/status")?.body ?? "").utf8))
        XCTAssertEqual(status[path: "sources.form.rejected.identifier_too_long"], .int(1), "counted on its own")
        // The content type goes into the record beside the body as well.
        let small = Array(#"{"event_type":"x"}"#.utf8)
        let headers = GatewayHarness.svixHeaders(id: "long-content-type", body: small).filter { $0.0 != "Content-Type" }
            + [("Content-Type", "application/json; x=" + String(repeating: "c", count: 2000))]
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: headers, body: small)?.status, 400)
    }

    func testBodyOverTheConfiguredLimitIs413() throws {
        let (gateway, port) = try harness.start { $0.maxBodyBytes = 2048 }
        defer { gateway.shutdown() }
        let body = [UInt8](repeating: 0x61, count: 4096)
        let client = try RawClient(port: port)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "big", body: body), body: body)?.status, 413)
    }

    func testOverloadedLogAnswers503WithRetryAfterAndLosesNothingAcknowledged() throws {
        let (gateway, port) = try harness.start { $0.log.queueCapacity = 1; $0.log.sync = "fsync" }
        let acknowledged = LockedList<String>()
        let refused = LockedList<String>()
        DispatchQueue.concurrentPerform(iterations: 32) { worker in
            let client = try! RawClient(port: port)
            for i in 0..<10 {
                let id = "msg_\(worker)_\(i)"
                let body = GatewayHarness.event(email: "\(id)@example.com")
                guard let r = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: id, body: body), body: body) else { return }
                if r.status == 200 { acknowledged.append(id) }
                if r.status == 503 { refused.append(r.headers["retry-after"] ?? "missing") }
            }
        }
        gateway.shutdown()
        XCTAssertGreaterThan(refused.items.count, 0, "a one-slot queue under 32 writers never refused")
        XCTAssertFalse(refused.items.contains("missing"))
        let logged = Set(try loggedEvents().map(\.eventID))
        XCTAssertTrue(Set(acknowledged.items).isSubset(of: logged))
    }

    func testSecondGatewayOnTheSameDataFolderIsRefused() throws {
        let (gateway, _) = try harness.start()
        defer { gateway.shutdown() }
        XCTAssertThrowsError(try harness.start()) { error in
            XCTAssertTrue("\(error)".contains("in use by another gatehouse"), "\(error)")
        }
    }

    func testMissingSecretRefusesToStartAndNamesTheVariable() throws {
        var c = harness.configuration()
        c.devSecrets = false
        XCTAssertThrowsError(try Gateway(configuration: c, secrets: SecretResolver(environment: [:]), logger: Logger(minimum: .error))) { error in
            XCTAssertTrue("\(error)".contains("$YJ_SECRET") || "\(error)".contains("$FORM_SECRET"), "\(error)")
        }
    }
}

/// A list several threads append to.
final class LockedList<T: Sendable>: @unchecked Sendable {
    private var storage: [T] = []
    private let lock = NSLock()
    func append(_ item: T) { lock.lock(); storage.append(item); lock.unlock() }
    var items: [T] { lock.lock(); defer { lock.unlock() }; return storage }
}
