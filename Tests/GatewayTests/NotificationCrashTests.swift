import Foundation
import Routing
import TestSupport
import XCTest

/// SIGKILL of the real binary in the middle of a fan-out: after the restart every accepted
/// event's notification arrives, and only deliveries that were in flight at the kill (at most
/// the subscriber's connection count) may arrive twice, under the same webhook-id.
final class NotificationCrashTests: XCTestCase {
    func testKillMidFanOutLosesNoDelivery() throws {
        let sink = try Sink(delayMilliseconds: 150)
        defer { sink.server.shutdown(grace: 1) }
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let config = harness.root.appendingPathComponent("config.json").path
        try """
        {"apis": {"simulate": false}, "allow_private_subscribers": true,
         "subscribers": [{"id": "ops", "url": "http://127.0.0.1:\(sink.port)/hook", "types": ["event.received"],
                          "concurrency": 2, "retry_schedule_seconds": [0, 0.2, 0.2, 0.2, 0.2], "jitter": 0,
                          "secrets": [{"env": "SUB_SECRET"}]}]}
        """.write(toFile: config, atomically: true, encoding: .utf8)
        var env = harness.environment
        env["SUB_SECRET"] = NotificationFlowTests.secret

        func launch(_ port: UInt16) throws -> Process {
            let p = Process()
            p.executableURL = try GatehouseBinary.locate()
            p.arguments = ["serve", "--config", config, "--listen", "127.0.0.1:\(port)", "--data", harness.data, "--routes", harness.routes]
            p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            p.standardError = FileHandle.nullDevice
            try p.run()
            try GatehouseBinary.waitUntilReady(port: port)
            return p
        }

        var port = try GatehouseBinary.freePort()
        var process = try launch(port)
        let client = try RawClient(port: port)
        var accepted: [String] = []
        for i in 0..<20 {
            let body = GatewayHarness.event(email: "f\(i)@example.com")
            if client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "fan_\(i)", body: body), body: body)?.status == 200 {
                accepted.append("fan_\(i)")
            }
        }
        XCTAssertEqual(accepted.count, 20)
        let deadline = Date().addingTimeInterval(5)
        while sink.received.count < 4 && Date() < deadline { usleep(10_000) }
        let beforeKill = sink.received.count
        XCTAssertLessThan(beforeKill, 20, "the fan-out finished before the kill: nothing was proven")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        port = try GatehouseBinary.freePort()
        process = try launch(port)
        defer { kill(process.processIdentifier, SIGTERM); process.waitUntilExit() }
        func notified() -> [String: Int] {
            var counts: [String: Int] = [:]
            for r in sink.received {
                if let id = (try? JSONValue.parse(r.body))?[path: "data.event_id"]?.scalarText { counts[id, default: 0] += 1 }
            }
            return counts
        }
        let complete = Date().addingTimeInterval(20)
        while Set(notified().keys) != Set(accepted) && Date() < complete { usleep(20_000) }
        let counts = notified()
        XCTAssertEqual(Set(counts.keys), Set(accepted), "an accepted event's notification was lost")
        let repeats = counts.values.filter { $0 > 1 }.count
        XCTAssertLessThanOrEqual(repeats, 2, "more re-sends than deliveries that can be in flight (concurrency 2): \(counts)")
        // A re-send keeps its webhook-id, so the subscriber can dedupe.
        var idsByEvent: [String: Set<String>] = [:]
        for r in sink.received {
            guard let event = (try? JSONValue.parse(r.body))?[path: "data.event_id"]?.scalarText else { continue }
            idsByEvent[event, default: []].insert(r.headers["webhook-id"] ?? "")
        }
        XCTAssertTrue(idsByEvent.values.allSatisfy { $0.count == 1 }, "a re-send changed its webhook-id")
    }
}
