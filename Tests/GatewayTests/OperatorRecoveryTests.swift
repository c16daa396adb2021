import Foundation
import Gateway
import Notify
import Routing
import TestSupport
import XCTest

/// The recovery verbs through the running server (`POST /replay/redrive`, `/replay/remap`,
/// `/deliveries/redeliver`, `/subscribers/{id}/enable`), over real sockets against the
/// in-process gateway and the API simulators: a dry run changes nothing, a real run's work
/// is carried out by the live engine and notifier, and nothing that succeeded runs twice.
final class OperatorRecoveryTests: XCTestCase {
    static let token = "recovery-test-operator-token-5d"
    let contact = #"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace"}"#

    /// POSTs `body` (as JSON when given) and returns the answer.
    static func post(_ port: UInt16, _ path: String, _ body: String? = nil, headers: [(String, String)] = [],
                     file: StaticString = #filePath, line: UInt = #line) throws -> ParsedResponse {
        let client = try RawClient(port: port, timeoutSeconds: 20)
        let typed = body == nil || headers.contains { $0.0.lowercased() == "content-type" } ? headers : headers + [("Content-Type", "application/json")]
        return try XCTUnwrap(client.request("POST", path, headers: typed, body: Array((body ?? "").utf8)), "no answer to POST \(path)",
                             file: file, line: line)
    }

    func kinds(_ history: JSONValue) -> [String] {
        OperatorTest.items(history[path: "deliveries.0.history"]).compactMap { $0[path: "kind"]?.scalarText }
    }

    func testRedriveThroughTheServerListsFirstThenRunsTheDeadJobAgainstTheSimulator() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(500), times: 3, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [0.1, 0.1])
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, id: "msg_redrive", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .dead })
        let jobID = try XCTUnwrap(h.jobs().first?.id)

        let preview = try Self.post(h.port, "/replay/redrive", #"{"api": "growcrm"}"#)
        XCTAssertEqual(preview.status, 200, preview.body)
        let listed = try OperatorTest.json(preview)
        XCTAssertEqual(listed[path: "dry_run"], .bool(true), "a request without dry_run must only list")
        XCTAssertEqual(listed[path: "count"], .int(1))
        XCTAssertEqual(listed[path: "jobs.0.job_id"], .string(jobID))
        XCTAssertEqual(listed[path: "jobs.0.event_id"], .string("msg_redrive"))
        XCTAssertEqual(listed[path: "jobs.0.previous_status"], .string("dead"))
        XCTAssertEqual(OperatorTest.strings(listed[path: "jobs.0.actions"]), ["growcrm.create_contact"])
        XCTAssertNotNil(listed[path: "jobs.0.last_error"]?.scalarText)
        // The query string carries the same filters.
        XCTAssertEqual(try OperatorTest.json(try Self.post(h.port, "/replay/redrive?api=luminous"))[path: "count"], .int(0),
                       "the api filter let a growcrm job through")
        usleep(300_000)
        XCTAssertEqual(h.jobs().first?.status, .dead, "a dry run changed state")
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 3, "a dry run called the API")
        XCTAssertFalse(kinds(try OperatorTest.json(try OperatorTest.get(h.port, "/events/msg_redrive"))).contains("requeued"),
                       "a dry run wrote to the log")

        let run = try OperatorTest.json(try Self.post(h.port, "/replay/redrive", #"{"api": "growcrm", "dry_run": false}"#))
        XCTAssertEqual(run[path: "dry_run"], .bool(false))
        XCTAssertEqual(run[path: "count"], .int(1))
        XCTAssertEqual(run[path: "jobs.0.job_id"], .string(jobID))
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded }, "the live engine did not run it: \(h.jobs().map(\.lastError))")
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.map(\.status), [500, 500, 500, 201])

        let history = try OperatorTest.json(try OperatorTest.get(h.port, "/events/msg_redrive"))
        XCTAssertEqual(history[path: "deliveries.0.state"], .string("succeeded"))
        let steps = kinds(history)
        let requeued = try XCTUnwrap(steps.firstIndex(of: "requeued"), "\(steps)")
        XCTAssertEqual(steps.suffix(from: requeued), ["requeued", "attempt_started", "attempt_finished"])
        XCTAssertEqual(OperatorTest.items(history[path: "deliveries.0.history"]).last?[path: "outcome"], .string("succeeded"))
        XCTAssertEqual(try OperatorTest.json(try Self.post(h.port, "/replay/redrive", #"{"dry_run": false}"#))[path: "count"], .int(0),
                       "a succeeded job was re-driven")
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 4)
    }

    /// A re-drive of more jobs than the log's queue holds goes in appends that fit (it was one
    /// append, refused whole every time: a 500, and the jobs stayed dead).
    func testARedriveLargerThanTheLogQueueIsRecordedInParts() throws {
        let h = try ActionHarness()
        let count = 6
        h.fleet.growcrm.faults.add(.status(500), times: 2 * count, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [0.1]) { $0.log.queueCapacity = 4 }
        for n in 0..<count {
            let person = #"{"email":"bulk\#(n)@example.com","first_name":"Bulk","last_name":"N\#(n)"}"#
            XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", person, id: "msg_bulk\(n)", mode: "test"), 200)
            XCTAssertTrue(h.eventually { h.jobs().filter { $0.status == .dead }.count == n + 1 })
        }
        let run = try Self.post(h.port, "/replay/redrive", #"{"api": "growcrm", "dry_run": false}"#)
        XCTAssertEqual(run.status, 200, run.body)
        XCTAssertEqual(try OperatorTest.json(run)[path: "count"], .int(Int64(count)))
        XCTAssertTrue(h.eventually(20) { h.jobs().filter { $0.status == .succeeded }.count == count },
                      "\(h.jobs().map { "\($0.status)" })")
    }

    func testRemapThroughTheServerUsesTheFixedRoutesFolderWithFreshIdsAndNeverRepeatsWhatRan() throws {
        let h = try ActionHarness()
        try h.start()
        // Test-mode events skip the Luminous rule (its condition excludes mode "test").
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, id: "msg_remap", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 1 && h.jobs()[0].status == .succeeded })
        let original = try XCTUnwrap(h.jobs().first?.id)

        // "Fix" the route in the server's own folder, after the fact: drop the Luminous condition.
        let path = h.routes + "/yunojuno.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let fixed = text.replacingOccurrences(of: #""if": { "not": { "equals": { "path": "mode", "value": "test" } } },"#, with: "")
        XCTAssertNotEqual(fixed, text, "the route file no longer has the condition this test removes")
        try fixed.write(toFile: path, atomically: true, encoding: .utf8)

        let preview = try OperatorTest.json(try Self.post(h.port, "/replay/remap", #"{"source": "yunojuno"}"#))
        XCTAssertEqual(preview[path: "dry_run"], .bool(true))
        XCTAssertEqual(preview[path: "routes"], .string(h.routes))
        XCTAssertEqual(OperatorTest.items(preview[path: "jobs"]).compactMap { $0[path: "rule"]?.scalarText }, ["contact-to-luminous"])
        XCTAssertEqual(try OperatorTest.json(try Self.post(h.port, "/replay/remap?type=client.other"))[path: "count"], .int(0))
        usleep(300_000)
        XCTAssertEqual(h.fleet.luminous.journal().count, 0, "a dry run called the API")
        XCTAssertEqual(h.jobs().count, 1, "a dry run planned a job")

        let run = try OperatorTest.json(try Self.post(h.port, "/replay/remap", #"{"source": "yunojuno", "dry_run": false}"#))
        XCTAssertEqual(run[path: "count"], .int(1))
        let fresh = try XCTUnwrap(run[path: "jobs.0.job_id"]?.scalarText)
        XCTAssertNotEqual(fresh, original)
        XCTAssertTrue(fresh.contains("_remap"), fresh)
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy { $0.status == .succeeded } },
                      "the live engine did not run the new job: \(h.jobs().map { "\($0.id) \($0.status)" })")
        XCTAssertEqual(h.gateway?.state.jobSummary(fresh)?.rule, "contact-to-luminous")
        XCTAssertEqual(h.fleet.luminous.journal().filter { $0.method == "POST" }.count, 1)
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 1, "remap repeated a rule that had run")

        let history = try OperatorTest.json(try OperatorTest.get(h.port, "/events/msg_remap"))
        XCTAssertTrue(kinds(history).contains("remapped"), "\(kinds(history))")
        XCTAssertEqual(history[path: "deliveries.0.state"], .string("succeeded"))
        XCTAssertEqual(try OperatorTest.json(try Self.post(h.port, "/replay/remap", #"{"dry_run": false}"#))[path: "count"], .int(0),
                       "remap planned the same rule twice")

        // A route file that no longer loads is the server's problem to report, not a bad filter.
        try "{ not json".write(toFile: h.routes + "/broken.json", atomically: true, encoding: .utf8)
        let broken = try Self.post(h.port, "/replay/remap")
        XCTAssertEqual(broken.status, 422, broken.body)
        XCTAssertTrue(broken.body.contains("broken.json"), broken.body)
    }

    func testRedeliverThroughTheServerSendsDeadDeliveriesAgainAtOnce() throws {
        let sink = try FlakySink()
        defer { sink.server.shutdown(grace: 1) }
        let h = try ActionHarness()
        let audit = h.subscriber("audit", port: sink.port, types: ["event.received"], quickRetries: true)
        try h.start { c in
            c.allowPrivateSubscribers = true
            c.subscribers = [audit]
        }
        // Not "ops": the shipped routes also send one rule's outcomes to a subscriber of that name.
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, id: "msg_notify", mode: "test"), 200)
        func deliveries() -> [DeliveryRecord] { Array(h.gateway?.state.deliveries.deliveries.values ?? [:].values) }
        XCTAssertTrue(h.eventually { deliveries().first?.status == .dead }, "\(deliveries().map(\.status))")
        let id = try XCTUnwrap(deliveries().first?.id)
        // Once delivered it is settled: the gateway reads it back from the log.
        func status() -> DeliveryStatus? { h.gateway?.deliveryRecord(id: id)?.status }
        XCTAssertEqual(sink.count, 2)
        sink.failing = false

        let preview = try OperatorTest.json(try Self.post(h.port, "/deliveries/redeliver", #"{"subscriber": "audit"}"#))
        XCTAssertEqual(preview[path: "dry_run"], .bool(true))
        XCTAssertEqual(preview[path: "count"], .int(1))
        XCTAssertEqual(preview[path: "deliveries.0.delivery_id"], .string(id))
        XCTAssertEqual(preview[path: "deliveries.0.previous_status"], .string("dead"))
        XCTAssertEqual(preview[path: "deliveries.0.type"], .string("event.received"))
        XCTAssertEqual(try OperatorTest.json(try Self.post(h.port, "/deliveries/redeliver", #"{"subscriber": "audit", "status": ["delivered"]}"#))[path: "count"],
                       .int(0))
        usleep(300_000)
        XCTAssertEqual(sink.count, 2, "a dry run sent")
        XCTAssertEqual(status(), .dead)

        let run = try OperatorTest.json(try Self.post(h.port, "/deliveries/redeliver", #"{"subscriber": "audit", "dry_run": false}"#))
        XCTAssertEqual(run[path: "count"], .int(1))
        XCTAssertTrue(h.eventually { status() == .delivered }, "the live notifier did not send it")
        XCTAssertTrue(deliveries().isEmpty, "a delivered delivery is settled")
        // A range search finds it again, read back from the log; out of range it is skipped.
        let found = try OperatorTest.json(try Self.post(h.port, "/deliveries/redeliver", #"{"subscriber": "audit", "status": ["delivered"]}"#))
        XCTAssertEqual(found[path: "count"], .int(1))
        XCTAssertEqual(found[path: "deliveries.0.delivery_id"], .string(id))
        XCTAssertEqual(found[path: "deliveries.0.previous_status"], .string("delivered"))
        let before = #"{"subscriber": "audit", "status": ["delivered"], "until": "2001-01-01T00:00:00Z"}"#
        XCTAssertEqual(try OperatorTest.json(try Self.post(h.port, "/deliveries/redeliver", before))[path: "count"], .int(0))
        XCTAssertEqual(sink.count, 3)
        XCTAssertEqual(Set(sink.webhookIDs).count, 1, "a redelivery keeps the webhook-id")

        // One delivery by id: listed, then sent again (a delivered one too).
        let one = try OperatorTest.json(try Self.post(h.port, "/deliveries/redeliver", #"{"delivery": "\#(id)"}"#))
        XCTAssertEqual(one[path: "deliveries.0.previous_status"], .string("delivered"))
        usleep(200_000)
        XCTAssertEqual(sink.count, 3, "a dry run sent")
        XCTAssertEqual(try Self.post(h.port, "/deliveries/redeliver", #"{"delivery": "\#(id)", "dry_run": false}"#).status, 200)
        XCTAssertTrue(h.eventually { sink.count == 4 })
        let history = try OperatorTest.json(try OperatorTest.get(h.port, "/events/msg_notify"))
        XCTAssertEqual(kinds(history).filter { $0 == "notification_redelivery_requested" }.count, 2, "\(kinds(history))")

        let missing = try Self.post(h.port, "/deliveries/redeliver", #"{"delivery": "ntf_nope.ops"}"#)
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue(missing.body.contains("no delivery"), missing.body)
        XCTAssertEqual(try Self.post(h.port, "/deliveries/redeliver", #"{"subscriber": "nobody"}"#).status, 404)
        XCTAssertEqual(try Self.post(h.port, "/subscribers/audit/enable").status, 200)
        XCTAssertEqual(try Self.post(h.port, "/subscribers/nobody/enable").status, 404)
        for (body, message) in [("{}", "give delivery"), (#"{"delivery": "a", "subscriber": "audit"}"#, "not both"),
                                (#"{"delivery": "\#(id)", "status": "dead"}"#, "go with subscriber"),
                                (#"{"subscriber": "audit", "status": "in_flight"}"#, "in_flight")] {
            let answer = try Self.post(h.port, "/deliveries/redeliver", body)
            XCTAssertEqual(answer.status, 400, body)
            XCTAssertTrue(answer.body.contains(message), "\(body): \(answer.body)")
        }
    }

    func testRecoveryRoutesNeedTheTokenRefuseBrowsersAndExplainBadFilters() throws {
        let h = try ActionHarness()
        h.extraEnvironment["OPS_TOKEN"] = Self.token
        try h.start { $0.operatorToken = SecretReference(env: "OPS_TOKEN") }
        let auth = [("Authorization", "Bearer \(Self.token)")]
        for path in ["/replay/redrive", "/replay/remap", "/deliveries/redeliver", "/subscribers/ops/enable"] {
            let refused = try Self.post(h.port, path, "{}")
            XCTAssertEqual(refused.status, 401, path)
            XCTAssertEqual(refused.headers["www-authenticate"], "Bearer realm=\"gatehouse\"", path)
            XCTAssertEqual(try Self.post(h.port, path, "{}", headers: [("Authorization", "Bearer wrong")]).status, 401, path)
        }
        XCTAssertEqual(try Self.post(h.port, "/replay/redrive", "{}", headers: auth).status, 200)
        XCTAssertEqual(try Self.post(h.port, "/replay/remap", headers: auth).status, 200)

        let browser = try Self.post(h.port, "/replay/redrive", #"{"dry_run": false}"#, headers: auth + [("Origin", "http://evil.example")])
        XCTAssertEqual(browser.status, 403, "a page in the operator's browser must not drive the gateway")
        XCTAssertEqual(try Self.post(h.port, "/replay/redrive", "{}", headers: auth + [("Sec-Fetch-Site", "cross-site")]).status, 403)
        XCTAssertEqual(try Self.post(h.port, "/replay/redrive", "dry_run=false", headers: auth + [("Content-Type", "application/x-www-form-urlencoded")]).status,
                       415)

        let get = try OperatorTest.get(h.port, "/replay/redrive", headers: auth)
        XCTAssertEqual(get.status, 405)
        XCTAssertEqual(get.headers["allow"], "POST")
        let postStatus = try Self.post(h.port, "/status", headers: auth)
        XCTAssertEqual(postStatus.status, 405)
        XCTAssertEqual(postStatus.headers["allow"], "GET, HEAD")

        let bad: [(String, String, String)] = [
            ("/replay/redrive", #"{"typ": "x"}"#, #"unknown parameter "typ""#),
            ("/replay/redrive", #"{"type": "x"}"#, #"unknown parameter "type""#),
            ("/replay/remap", #"{"api": "growcrm"}"#, #"unknown parameter "api""#),
            ("/replay/redrive", #"{"status": "succeeded"}"#, "cannot be re-driven"),
            ("/replay/redrive", #"{"status": []}"#, "status needs"),
            ("/replay/redrive", #"{"since": "yesterday"}"#, "since must be an ISO 8601 time"),
            ("/replay/redrive", #"{"since": 99999999999999999}"#, "since is out of range"),
            ("/replay/remap", #"{"since": "2026-05-02T00:00:00Z", "until": "2026-05-01T00:00:00Z"}"#, "since is after until"),
            ("/replay/redrive", #"{"dry_run": "maybe"}"#, "dry_run must be true or false"),
            ("/replay/redrive", #"{"source": 7}"#, "source must be a string"),
            ("/replay/redrive", "[1]", "must be a JSON object"),
            ("/replay/redrive", "{", "not valid JSON"),
            ("/replay/redrive?api=growcrm", #"{"api": "growcrm"}"#, "both in the query and in the body"),
            ("/subscribers/ops/enable", #"{"now": true}"#, "known: none"),
            // An unset shell variable must not widen a re-drive to every source.
            ("/replay/redrive?source=&dry_run=false", "", "source is empty"),
            ("/replay/redrive", #"{"api": "", "dry_run": false}"#, "api is empty"),
            ("/replay/remap?type=", "", "type is empty"),
            // A typo lists nothing, which reads as "nothing to do": refused, naming what is known.
            ("/replay/redrive", #"{"source": "yunojnuo"}"#, #"source "yunojnuo" is neither configured nor in the log"#),
            ("/replay/remap", #"{"source": "yunojnuo"}"#, #"source "yunojnuo" is neither configured nor in the log"#),
            ("/replay/redrive", #"{"api": "grow"}"#, #"api "grow" is not one of"#),
            ("/deliveries/redeliver?subscriber=", "", "subscriber is empty"),
        ]
        for (path, body, message) in bad {
            let answer = try Self.post(h.port, path, body, headers: auth)
            XCTAssertEqual(answer.status, 400, "\(path) \(body)")
            XCTAssertTrue(answer.body.contains(message), "\(path) \(body): \(answer.body)")
        }
        XCTAssertEqual(try OperatorTest.get(h.port, "/events?since=99999999999999999", headers: auth).status, 400,
                       "an out-of-range time must be refused, not trap")
    }
}
