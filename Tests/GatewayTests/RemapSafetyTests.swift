import Foundation
import XCTest
@testable import Gateway

/// A remap plans only rules it can prove never ran for an event. It leaves alone an event the
/// engine has yet to route (a crash between its `received` and `routed` records leaves one:
/// the engine routes it through the routes it runs with), and events below the retention
/// floor (their finished jobs are forgotten, so every rule would look new).
final class RemapSafetyTests: XCTestCase {
    func testRemapLeavesEventsNotYetRoutedToTheEngine() throws {
        let h = try ActionHarness()
        var c = GatewayConfiguration()
        c.listen = "127.0.0.1:0"
        c.data = h.data
        c.routes = h.routes
        c.devSecrets = false
        c.loops = 1
        c.actions.retryScheduleSeconds = [0.1]
        c.actions.jitter = 0
        let gateway = try Gateway(configuration: c, secrets: SecretResolver(environment: h.environment), logger: Logger(minimum: .error),
                                  connectors: h.connectorSettings())
        h.gateway = gateway  // the harness shuts it down
        let body = #"{"event_type":"client.client_contact.created","mode":"test","data":{"object":{"email":"u@example.com","first_name":"U","last_name":"R"}}}"#
        let event = ReceivedEvent(source: "yunojuno", eventID: "msg_unrouted", eventType: "client.client_contact.created",
                                  receivedAt: Clock.unixMilliseconds(), signedAt: nil, contentType: "application/json", body: Array(body.utf8))
        let appended = DispatchSemaphore(value: 0)
        gateway.store.append([.received(event)]) { _ in appended.signal() }
        appended.wait()
        XCTAssertEqual(gateway.state.unrouted.count, 1)

        let rules = try Gateway.loadRules(directory: h.routes)
        XCTAssertEqual(try gateway.remap(rules: rules, filter: WorkFilter(), dryRun: true), [], "remap offered an event the engine will route")
        XCTAssertEqual(try gateway.remap(rules: rules, filter: WorkFilter(), dryRun: false), [])

        h.port = try gateway.start().port
        XCTAssertTrue(h.eventually { h.jobs().count == 1 && h.jobs()[0].status == .succeeded }, "\(h.jobs().map(\.status))")
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 1, "the event's rule ran twice")
        XCTAssertEqual(try gateway.remap(rules: rules, filter: WorkFilter(), dryRun: true), [], "once routed, its rules count as planned")
    }

    func testRemapSkipsEventsWhoseFinishedJobsRetentionForgot() throws {
        let h = try ActionHarness()
        try h.start()
        for n in 0..<3 {
            XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", #"{"email":"r\#(n)@example.com","first_name":"R","last_name":"S"}"#,
                                          id: "msg_retained_\(n)"), 200)
        }
        XCTAssertTrue(h.eventually { h.jobs().count == 6 && h.jobs().allSatisfy { $0.status == .succeeded } }, "\(h.jobs().map(\.status))")
        let gateway = try XCTUnwrap(h.gateway)
        let last = try XCTUnwrap(gateway.state.lastOffset)
        // A mark over everything so far, as a sweep leaves the log when it stops between
        // appending the mark and removing the segments: the events are still readable.
        try gateway.store.appendAndWait([.retained(RetentionMark(before: last + 1, dedupeFloor: 0, at: Clock.unixMilliseconds(), subscribers: [:]))])
        XCTAssertTrue(gateway.state.jobs.isEmpty, "finished jobs planned before the mark are forgotten")

        let rules = try Gateway.loadRules(directory: h.routes)
        XCTAssertEqual(try gateway.remap(rules: rules, filter: WorkFilter(), dryRun: true), [], "remap would repeat forgotten work")
        let answer = try OperatorTest.json(try OperatorRecoveryTests.post(h.port, "/replay/remap", #"{"dry_run": false}"#))
        XCTAssertEqual(answer[path: "count"], .int(0))
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 3)
    }
}
