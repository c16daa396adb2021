import Foundation
import Notify
import Gateway
import Routing
import Signing
import TestSupport
import XCTest

/// `GET /events/{id}` (one event's whole history) and `GET /events` (search).
final class OperatorEventsTests: XCTestCase {
    let ada = #"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","is_primary":false}"#

    func testHistoryOfAnEventRetriedAfterA503ListsEveryStepInOrder() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(503), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, id: "msg_retry", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded })

        let started = Date()
        let answer = try OperatorTest.get(h.port, "/events/msg_retry")
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(answer.status, 200)
        XCTAssertLessThan(elapsed, 1.0, "reads only this event's records")
        let doc = try OperatorTest.json(answer)
        XCTAssertEqual(doc[path: "event_id"], .string("msg_retry"))
        let deliveries = OperatorTest.items(doc[path: "deliveries"])
        XCTAssertEqual(deliveries.count, 1)
        let delivery = try XCTUnwrap(deliveries.first)
        XCTAssertEqual(delivery[path: "source"], .string("yunojuno"))
        XCTAssertEqual(delivery[path: "type"], .string("client.client_contact.created"))
        XCTAssertEqual(delivery[path: "state"], .string("succeeded"))
        XCTAssertNotNil(delivery[path: "received_at"]?.scalarText)
        XCTAssertGreaterThan(Int(delivery[path: "body_bytes"]?.scalarText ?? "") ?? 0, 0)
        XCTAssertNil(delivery[path: "body"], "the body is shown only when asked for")

        let history = OperatorTest.items(delivery[path: "history"])
        XCTAssertEqual(history.compactMap { $0[path: "kind"]?.scalarText },
                       ["received", "routed", "attempt_started", "attempt_finished", "attempt_started", "attempt_finished"])
        let finished = history.filter { $0[path: "kind"] == .string("attempt_finished") }
        XCTAssertEqual(finished.map { $0[path: "status"] }, [.int(503), .int(201)])
        XCTAssertEqual(finished.map { $0[path: "outcome"] }, [.string("retrying"), .string("succeeded")])
        XCTAssertEqual(finished.map { $0[path: "attempt"] }, [.int(1), .int(2)])
        XCTAssertNotNil(finished[0][path: "error"]?.scalarText, "the 503's error is kept")
        XCTAssertNotNil(finished[0][path: "next_attempt_at"]?.scalarText)
        XCTAssertNotNil(finished[1][path: "result.id"], "the id Grow CRM returned")
        XCTAssertNotNil(finished[1][path: "latency_ms"]?.scalarText.flatMap(Int.init))
        for step in history.dropFirst(2) {
            XCTAssertEqual(step[path: "api"], .string("growcrm"))
            XCTAssertEqual(step[path: "rule"], .string("contact-to-growcrm"))
            XCTAssertEqual(step[path: "action"], .string("crm-contact"))
        }
        XCTAssertEqual(OperatorTest.strings(history[1][path: "rules"]), ["contact-to-growcrm"])
        let offsets = history.compactMap { $0[path: "offset"]?.scalarText.flatMap(UInt64.init) }
        XCTAssertEqual(offsets.count, history.count)
        XCTAssertEqual(offsets, offsets.sorted(), "in log order")
        XCTAssertEqual(Set(offsets).count, offsets.count)
        let times = history.compactMap { $0[path: "at"]?.scalarText }
        XCTAssertEqual(times, times.sorted(), "in time order")

        let withBody = try OperatorTest.json(try OperatorTest.get(h.port, "/events/msg_retry?body=1"))
        XCTAssertEqual(withBody[path: "deliveries"].flatMap { OperatorTest.items($0).first }?[path: "body.data.object.email"],
                       .string("ada@example.com"))
    }

    func testUnknownEventIs404AndIdsArePercentDecoded() throws {
        let h = try ActionHarness()
        try h.start()
        XCTAssertEqual(try OperatorTest.get(h.port, "/events/msg_nothing").status, 404)
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.registered", ada, id: "msg with/slash"), 200)
        let answer = try OperatorTest.get(h.port, "/events/msg%20with%2Fslash")
        XCTAssertEqual(answer.status, 200, answer.body)
        XCTAssertEqual(try OperatorTest.json(answer)[path: "event_id"], .string("msg with/slash"))
        XCTAssertEqual(try OperatorTest.get(h.port, "/events/msg%20with%2Fslash?source=signup-form").status, 404, "source narrows it")
        XCTAssertEqual(try OperatorTest.get(h.port, "/events/msg_nothing?bogus=1").status, 400)
        XCTAssertEqual(try OperatorTest.get(h.port, "/events/a/b").status, 404)
    }

    let signupBody = Array(#"{"kind":"signup","submission":{"email":"grace@example.com","name":"Grace Hopper"}}"#.utf8)

    /// Four events: a success, a permanent failure, one no rule matches, and a signup form.
    func sendMix(_ h: ActionHarness) throws {
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, id: "e1", mode: "test"), 200)
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", #"{"email":"x@example.com","last_name":"NoFirst"}"#, id: "e2", mode: "test"), 200)
        XCTAssertEqual(h.sendYunoJuno("client.company.updated", #"{"id":7}"#, id: "e3", mode: "test"), 200)
        let body = signupBody
        let ts = Int64(Date().timeIntervalSince1970)
        let mac = HMACSHA256.authenticate(Array("\(ts).".utf8) + body, key: Array(ActionHarness.formSecret.utf8))
        let headers = [("X-Signup-Signature", "sha256=" + Hex.encode(mac)), ("X-Signup-Timestamp", "\(ts)"), ("X-Signup-Id", "e4")]
        XCTAssertEqual(try RawClient(port: h.port).request("POST", "/webhooks/signup-form", headers: headers, body: body)?.status, 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 3 && h.jobs().allSatisfy(\.isFinished) }, "\(h.jobs().map { ($0.eventID, $0.status) })")
    }

    func ids(_ h: ActionHarness, _ query: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
        let answer = try OperatorTest.get(h.port, "/events" + query)
        XCTAssertEqual(answer.status, 200, answer.body, file: file, line: line)
        return OperatorTest.items(try OperatorTest.json(answer)[path: "events"]).compactMap { $0[path: "event_id"]?.scalarText }
    }

    func testSearchFiltersNewestFirst() throws {
        let h = try ActionHarness()
        try h.start()
        let before = Int64(Date().timeIntervalSince1970) - 1
        try sendMix(h)
        let after = Int64(Date().timeIntervalSince1970) + 1

        XCTAssertEqual(try ids(h, ""), ["e4", "e3", "e2", "e1"])
        XCTAssertEqual(try ids(h, "?state=succeeded"), ["e4", "e1"])
        XCTAssertEqual(try ids(h, "?state=failed"), ["e2"])
        XCTAssertEqual(try ids(h, "?state=received"), ["e3"], "no rule matched: nothing to do")
        XCTAssertEqual(try ids(h, "?state=pending"), [])
        XCTAssertEqual(try ids(h, "?state=dead"), [])
        XCTAssertEqual(try ids(h, "?source=signup-form"), ["e4"])
        XCTAssertEqual(try ids(h, "?source=yunojuno&type=client.client_contact.created"), ["e2", "e1"])
        XCTAssertEqual(try ids(h, "?type=client.company.updated"), ["e3"])
        XCTAssertEqual(try ids(h, "?since=\(before)&until=\(after)"), ["e4", "e3", "e2", "e1"])
        XCTAssertEqual(try ids(h, "?since=\(after)"), [])
        XCTAssertEqual(try ids(h, "?until=\(before)"), [])
        // Bounds at the ends of the range: the clock slack added to them once trapped.
        XCTAssertEqual(try ids(h, "?until=9223372036854775"), ["e4", "e3", "e2", "e1"])
        XCTAssertEqual(try ids(h, "?since=-9223372036854775"), ["e4", "e3", "e2", "e1"])
        let iso = Clock.iso8601(milliseconds: before * 1000)
        XCTAssertEqual(try ids(h, "?since=\(iso.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? iso)&state=failed"), ["e2"])

        let row = try XCTUnwrap(OperatorTest.items(try OperatorTest.json(try OperatorTest.get(h.port, "/events?source=signup-form"))[path: "events"]).first)
        XCTAssertEqual(row[path: "type"], .string("signup"))
        XCTAssertEqual(row[path: "jobs"], .int(1))
        XCTAssertEqual(row[path: "body_bytes"], .int(Int64(signupBody.count)))
        XCTAssertEqual(row[path: "state"], .string("succeeded"))
        XCTAssertNotNil(row[path: "received_at"]?.scalarText)
    }

    /// With a subscriber to `event.received`, each event's own append holds its notification
    /// plan before the `routed` record comes: the search took that plan for the event's second
    /// record, found no jobs, and listed every event as only received.
    func testSearchFindsJobsAfterPlansWrittenWithTheEvent() throws {
        let h = try ActionHarness()
        h.extraEnvironment["TEST_SUBSCRIBER_SECRET"] = NotificationFlowTests.secret
        try h.start { c in
            c.allowPrivateSubscribers = true
            c.subscribers = [SubscriberSettings(config: SubscriberConfig(id: "ops", url: "http://127.0.0.1:9/hook", types: ["event.received"]),
                                                secrets: [SecretReference(env: "TEST_SUBSCRIBER_SECRET")])]
        }
        try sendMix(h)
        XCTAssertEqual(try ids(h, "?state=succeeded"), ["e4", "e1"])
        XCTAssertEqual(try ids(h, "?state=failed"), ["e2"])
        XCTAssertEqual(try ids(h, "?state=received"), ["e3"])
        let row = try XCTUnwrap(OperatorTest.items(try OperatorTest.json(try OperatorTest.get(h.port, "/events?source=signup-form"))[path: "events"]).first)
        XCTAssertEqual(row[path: "jobs"], .int(1))
    }

    func testSearchPagesWithLimitAndCursor() throws {
        let h = try ActionHarness()
        try h.start()
        try sendMix(h)
        let first = try OperatorTest.json(try OperatorTest.get(h.port, "/events?limit=2"))
        XCTAssertEqual(OperatorTest.items(first[path: "events"]).compactMap { $0[path: "event_id"]?.scalarText }, ["e4", "e3"])
        XCTAssertEqual(first[path: "complete"], .bool(false))
        let cursor = try XCTUnwrap(first[path: "next_before"]?.scalarText)
        let second = try OperatorTest.json(try OperatorTest.get(h.port, "/events?limit=2&before=\(cursor)"))
        XCTAssertEqual(OperatorTest.items(second[path: "events"]).compactMap { $0[path: "event_id"]?.scalarText }, ["e2", "e1"])
        XCTAssertEqual(second[path: "complete"], .bool(true))
        XCTAssertEqual(second[path: "next_before"], .null)
        XCTAssertEqual(try OperatorTest.json(try OperatorTest.get(h.port, "/events?limit=100000"))[path: "limit"], .int(500), "limit is capped")
        XCTAssertEqual(try OperatorTest.json(try OperatorTest.get(h.port, "/events"))[path: "limit"], .int(50), "limit defaults to 50")
        for bad in ["?state=done", "?limit=0", "?limit=many", "?since=yesterday", "?status=failed", "?before=x"] {
            let answer = try OperatorTest.get(h.port, "/events" + bad)
            XCTAssertEqual(answer.status, 400, bad)
        }
    }

    func testSearchSeesEventsFromBeforeARestart() throws {
        let h = try ActionHarness()
        try h.start()
        try sendMix(h)
        h.stop()
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.company.updated", #"{"id":8}"#, id: "e5", mode: "test"), 200)
        XCTAssertEqual(try ids(h, ""), ["e5", "e4", "e3", "e2", "e1"], "the index is seeded from the fold, then follows the log")
        XCTAssertEqual(try ids(h, "?state=failed"), ["e2"])
    }
}

/// Work planned or re-driven after an event was routed shows in its history and its state.
final class OperatorEventsRecoveryTests: XCTestCase {
    let contact = #"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace"}"#

    func state(_ h: ActionHarness, _ id: String) throws -> JSONValue? {
        let doc = try OperatorTest.json(try OperatorTest.get(h.port, "/events/\(id)"))
        return OperatorTest.items(doc[path: "deliveries"]).first?[path: "state"]
    }

    func kinds(_ h: ActionHarness, _ id: String) throws -> [String] {
        let doc = try OperatorTest.json(try OperatorTest.get(h.port, "/events/\(id)"))
        return OperatorTest.items(OperatorTest.items(doc[path: "deliveries"]).first?[path: "history"]).compactMap { $0[path: "kind"]?.scalarText }
    }

    func ids(_ h: ActionHarness, _ query: String) throws -> [String] {
        OperatorTest.items(try OperatorTest.json(try OperatorTest.get(h.port, "/events" + query))[path: "events"]).compactMap { $0[path: "event_id"]?.scalarText }
    }

    func testRemappedJobsCountInTheEventsStateBeforeAndAfterARestart() throws {
        let h = try ActionHarness()
        // The remapped Luminous job will fail permanently.
        h.fleet.luminous.faults.add(.status(400, body: #"{"message":"company is archived"}"#), times: 1, method: "POST", pathPrefix: "/external/api/v1/contacts")
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, id: "r1", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 1 && h.jobs()[0].status == .succeeded })
        XCTAssertEqual(try ids(h, "?state=succeeded"), ["r1"])

        let path = h.routes + "/yunojuno.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: #""if": { "not": { "equals": { "path": "mode", "value": "test" } } },"#, with: "")
        let fixed = h.root.appendingPathComponent("fixed-routes").path
        try FileManager.default.createDirectory(atPath: fixed, withIntermediateDirectories: true)
        try text.write(toFile: fixed + "/yunojuno.json", atomically: true, encoding: .utf8)
        let gateway = try XCTUnwrap(h.gateway)
        XCTAssertEqual(try gateway.remap(rules: try Gateway.loadRules(directory: fixed), filter: WorkFilter(source: "yunojuno"), dryRun: false).count, 1)
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy(\.isFinished) })

        XCTAssertEqual(try state(h, "r1"), .string("failed"), "the remapped job failed")
        XCTAssertEqual(try ids(h, "?state=failed"), ["r1"], "the search sees the remapped job too")
        XCTAssertEqual(try ids(h, "?state=succeeded"), [])
        XCTAssertEqual(try kinds(h, "r1"), ["received", "routed", "attempt_started", "attempt_finished",
                                            "remapped", "attempt_started", "attempt_finished"])

        h.stop()
        try h.start()
        XCTAssertEqual(try ids(h, "?state=failed"), ["r1"], "after a restart the remapped job is found from the fold")

        // Re-driving the failed job (the fault is used up) makes the event succeed.
        XCTAssertEqual(try XCTUnwrap(h.gateway).redrive(WorkFilter(), dryRun: false).count, 1)
        XCTAssertTrue(h.eventually { h.jobs().allSatisfy { $0.status == .succeeded } })
        XCTAssertEqual(try ids(h, "?state=succeeded"), ["r1"])
        XCTAssertEqual(try kinds(h, "r1").suffix(3), ["requeued", "attempt_started", "attempt_finished"])
    }
}
