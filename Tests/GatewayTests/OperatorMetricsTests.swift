import Foundation
import Gateway
import Signing
import TestSupport
import XCTest

/// `GET /metrics`: valid text exposition, with the counters moving after traffic.
final class OperatorMetricsTests: XCTestCase {
    let ada = #"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","is_primary":false}"#

    func scrape(_ port: UInt16, file: StaticString = #filePath, line: UInt = #line) throws -> [ExpositionSample] {
        let answer = try OperatorTest.get(port, "/metrics")
        XCTAssertEqual(answer.status, 200, file: file, line: line)
        XCTAssertTrue(answer.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") ?? false, "\(answer.headers)", file: file, line: line)
        let parsed = try Exposition.parse(answer.body)
        for name in parsed.types.keys where parsed.types[name] == "counter" {
            XCTAssertTrue(name.hasSuffix("_total"), "counter \(name) should end in _total", file: file, line: line)
        }
        return parsed.samples
    }

    func value(_ samples: [ExpositionSample], _ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }

    func testExpositionIsValidAndCountersMoveWithTraffic() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(503), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start()

        let before = try scrape(h.port)
        XCTAssertEqual(value(before, "gatehouse_webhooks_accepted_total", ["source": "yunojuno"]), 0)
        XCTAssertEqual(value(before, "gatehouse_build_info", ["version": Gateway.version]), 1)
        XCTAssertEqual(value(before, "gatehouse_jobs", ["state": "pending"]), 0)

        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, id: "m1", mode: "test"), 200)
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, id: "m1", mode: "test"), 200, "a duplicate")
        // A forged delivery and an unsigned one.
        let body = Array(#"{"event_type":"x"}"#.utf8)
        let forged = WebhookSigner.headers(scheme: .svix, key: try SignatureScheme.svix.key(fromSecret: "whsec_" + Base64.encode(Array("some other key entirely!".utf8))),
                                           id: "f1", timestamp: Int64(Date().timeIntervalSince1970), body: body)
        let client = try RawClient(port: h.port)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: forged, body: body)?.status, 401)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", body: body)?.status, 401)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded })

        let samples = try scrape(h.port)
        XCTAssertEqual(value(samples, "gatehouse_webhooks_accepted_total", ["source": "yunojuno"]), 1)
        XCTAssertEqual(value(samples, "gatehouse_webhooks_accepted_total", ["source": "signup-form"]), 0)
        XCTAssertEqual(value(samples, "gatehouse_webhooks_duplicate_total", ["source": "yunojuno"]), 1)
        XCTAssertEqual(value(samples, "gatehouse_webhooks_rejected_total", ["source": "yunojuno", "reason": "bad_signature"]), 1)
        XCTAssertEqual(value(samples, "gatehouse_webhooks_rejected_total", ["source": "yunojuno", "reason": "missing_signature"]), 1)
        XCTAssertEqual(value(samples, "gatehouse_actions_total", ["api": "growcrm", "status": "retrying"]), 1)
        XCTAssertEqual(value(samples, "gatehouse_actions_total", ["api": "growcrm", "status": "succeeded"]), 1)
        XCTAssertEqual(value(samples, "gatehouse_jobs", ["state": "succeeded"]), 1)
        XCTAssertEqual(value(samples, "gatehouse_oldest_pending_age_seconds"), 0)
        XCTAssertGreaterThan(value(samples, "gatehouse_requests_total") ?? 0, value(before, "gatehouse_requests_total") ?? 0)
        XCTAssertGreaterThanOrEqual(value(samples, "gatehouse_open_connections") ?? 0, 1, "this scrape's own connection")
        XCTAssertGreaterThan(value(samples, "gatehouse_log_bytes") ?? 0, 0)
        XCTAssertEqual(value(samples, "gatehouse_log_segments"), 1)
        XCTAssertNotNil(value(samples, "gatehouse_log_queue_depth"))
        let p99 = try XCTUnwrap(value(samples, "gatehouse_log_fsync_seconds", ["quantile": "0.99"]))
        XCTAssertGreaterThan(p99, 0)
        XCTAssertLessThan(p99, 10, "seconds, not microseconds")
        XCTAssertNotNil(value(samples, "gatehouse_log_fsync_seconds", ["quantile": "0.5"]))

        // No high-cardinality labels: no event or job ids anywhere.
        for sample in samples {
            for (label, text) in sample.labels {
                XCTAssertFalse(["event", "event_id", "id", "job", "job_id"].contains(label), "\(sample.name) has label \(label)")
                XCTAssertFalse(text.contains("m1") || text.hasPrefix("job_"), "\(sample.name){\(label)=\(text)}")
            }
        }
    }
}
