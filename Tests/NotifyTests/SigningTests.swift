import Foundation
import Notify
import Routing
import XCTest

/// Signatures checked against Svix's published example and against an HMAC computed in the
/// test from the Standard Webhooks definition, never against the notifier's own signer.
final class SigningTests: XCTestCase {
    func testIndependentSHA256AndHMACMatchPublishedVectors() {
        XCTAssertEqual(IndependentHMAC.hex(IndependentHMAC.sha256(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        XCTAssertEqual(IndependentHMAC.hex(IndependentHMAC.hmacSHA256(key: Array("Jefe".utf8),
                                                                      message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    func testSvixPublishedVector() {
        let key = IndependentHMAC.key(fromWhsec: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let body = Array(#"{"test": 2432232314}"#.utf8)
        let expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        XCTAssertEqual(NotificationSigner.signature(webhookID: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                                    body: body, keys: [key]), expected)
        XCTAssertEqual(IndependentHMAC.standardWebhooksEntry(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: "1614265330",
                                                             body: body, key: key), expected)
        let headers = NotificationSigner.headers(webhookID: "msg_p5jXN8AQM9LWM0D4loKWxJek", body: body, keys: [key],
                                                 attemptTimestamp: 1_614_265_330)
        XCTAssertEqual(headers.map(\.0), ["webhook-id", "webhook-timestamp", "webhook-signature"])
        XCTAssertEqual(headers.map(\.1), ["msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", expected])
    }

    func testTwoKeysGiveTwoSignaturesEachVerifiable() {
        let n = Harness.notification()
        let body = NotificationBody.encode(n)
        let headers = NotificationSigner.headers(for: n, subscriberID: "crm", body: body,
                                                 keys: [Harness.key1, Harness.key2], attemptTimestamp: 1_700_000_000)
        let values = Dictionary(uniqueKeysWithValues: headers)
        XCTAssertEqual(values["webhook-id"], n.id + ".crm")
        let entries = values["webhook-signature"]!.split(separator: " ").map(String.init)
        XCTAssertEqual(entries.count, 2)
        XCTAssertEqual(entries[0], IndependentHMAC.standardWebhooksEntry(id: n.id + ".crm", timestamp: "1700000000", body: body, key: Harness.key1))
        XCTAssertEqual(entries[1], IndependentHMAC.standardWebhooksEntry(id: n.id + ".crm", timestamp: "1700000000", body: body, key: Harness.key2))
        XCTAssertNotEqual(entries[0], entries[1])
    }

    /// What arrives on the wire verifies with each key, and the id stays put across retries
    /// while each attempt's timestamp is its own.
    func testDeliveredRequestsVerifyIndependently() throws {
        let sink = try ScriptedSink { _, index in index == 0 ? .respond(HTTPResponseFactory.status(503)) : .respond(HTTPResponseFactory.status(200)) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url, keys: [Harness.key1, Harness.key2],
                                                            schedule: [0, 1.1])], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification("event.received", data: .object(["route": .string("yunojuno"), "n": .int(7)]))
        notifier.publish(n)
        XCTAssertTrue(Harness.wait { sink.count == 2 })
        let requests = sink.requests
        XCTAssertEqual(Set(requests.map(\.webhookID)), [n.id + ".crm"])
        XCTAssertNotEqual(requests[0].headers["webhook-timestamp"], requests[1].headers["webhook-timestamp"])
        for request in requests {
            let timestamp = try XCTUnwrap(request.headers["webhook-timestamp"])
            XCTAssertLessThan(abs(Int64(timestamp)! - Harness.nowMs() / 1000), 10)
            let entries = try XCTUnwrap(request.headers["webhook-signature"]).split(separator: " ").map(String.init)
            XCTAssertEqual(entries, [Harness.key1, Harness.key2].map {
                IndependentHMAC.standardWebhooksEntry(id: request.webhookID, timestamp: timestamp, body: request.body, key: $0)
            })
            XCTAssertEqual(request.headers["content-type"], "application/json")
            XCTAssertEqual(request.target, "/hooks?from=gatehouse")
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
            XCTAssertEqual(json["type"] as? String, "event.received")
            XCTAssertEqual(json["timestamp"] as? String, "2021-02-25T15:02:10.123Z")
            XCTAssertEqual((json["data"] as? [String: Any])?["route"] as? String, "yunojuno")
        }
    }
}
