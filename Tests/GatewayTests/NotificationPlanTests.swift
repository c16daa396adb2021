import EventLog
import Foundation
@testable import Gateway
import HTTP1
import Notify
import Routing
import Sockets
import TestSupport
import XCTest

/// A notification's plan is written in the same log append as the record it reports, so a
/// crash cannot keep the one and lose the other; and a start plans what a crash cut off the
/// log's last append.
final class NotificationPlanTests: XCTestCase {
    static let subscriberEnvironment = ["TEST_SUBSCRIBER_SECRET": NotificationFlowTests.secret]

    private func subscribe(_ c: inout GatewayConfiguration, url: String, types: [String]) {
        c.allowPrivateSubscribers = true
        c.subscribers = [SubscriberSettings(config: SubscriberConfig(id: "ops", url: url, types: types, retryScheduleSeconds: [0, 60]),
                                            secrets: [SecretReference(env: "TEST_SUBSCRIBER_SECRET")])]
    }

    private func plannedDeliveries(_ h: ActionHarness, type: String) -> [DeliveryRecord] {
        h.gateway?.store.read { s in s.deliveries.deliveries.values.filter { $0.notification.type == type } } ?? []
    }

    /// When the sender gets its 2xx the event's notification is already planned in the log
    /// (and folded): before, the plan was a second append after the first was acknowledged.
    func testAnAcknowledgedEventsNotificationIsAlreadyPlanned() throws {
        let sink = try Sink(delayMilliseconds: 2000)
        defer { sink.server.shutdown(grace: 1) }
        let h = try ActionHarness()
        h.extraEnvironment = Self.subscriberEnvironment
        try h.start { subscribe(&$0, url: "http://127.0.0.1:\(sink.port)/hook", types: ["event.received"]) }
        for i in 0..<20 {
            let id = "msg_planned_\(i)"
            XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", #"{"email":"p\#(i)@example.com"}"#, id: id, mode: "test"), 200)
            let planned = plannedDeliveries(h, type: "event.received").filter { $0.notification.data[path: "event_id"] == .string(id) }
            XCTAssertEqual(planned.count, 1, "\(id) was acknowledged before its notification was planned")
        }
    }

    /// Records of the log in order, read while no gateway holds it.
    private func records(_ h: ActionHarness) throws -> [(offset: UInt64, event: LogEvent)] {
        let log = try FileLog.open(directory: h.data + "/log")
        defer { log.close() }
        var all: [(UInt64, LogEvent)] = []
        try log.read(from: 0) { record in
            all.append((record.offset, try LogEvent.decode(record.payload)))
            return true
        }
        return all
    }

    /// Cuts the log just before the first `planned` record after the last record `reports`
    /// picks, as a crash inside that append's write would, and drops the snapshots (which
    /// no longer match).
    private func cutPlans(_ h: ActionHarness, after reports: (LogEvent) -> Bool) throws {
        let all = try records(h)
        let reported = try XCTUnwrap(all.lastIndex { reports($0.event) })
        let plan = try XCTUnwrap(all.indices.first { i in
            guard i > reported, case .delivery(.planned) = all[i].event else { return false }
            return true
        })
        XCTAssertEqual(plan, reported + 1, "the plan is written right after what it reports, in the same append")
        try FileLog.truncate(directory: h.data + "/log", at: all[plan].offset)
        try? FileManager.default.removeItem(atPath: h.data + "/snapshots")
    }

    /// The first run's subscriber cannot be reached, so nothing is delivered before the cut.
    private static let unreachable = "http://127.0.0.1:9/hook"

    func testAStartPlansTheEventNotificationACutFinalAppendLost() throws {
        let h = try ActionHarness()
        h.extraEnvironment = Self.subscriberEnvironment
        try h.start { subscribe(&$0, url: Self.unreachable, types: ["event.received"]) }
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", #"{"email":"cut@example.com"}"#, id: "msg_cut", mode: "test"), 200)
        h.stop()
        try cutPlans(h) { if case .received(let e) = $0 { return e.eventID == "msg_cut" } else { return false } }

        let sink = try Sink()
        defer { sink.server.shutdown(grace: 1) }
        // The route's rule also names "ops" for its outcomes: only the event's notices count here.
        let notices = { sink.received.filter { $0.bodyText.contains(#""type":"event.received""#) } }
        try h.start { subscribe(&$0, url: "http://127.0.0.1:\(sink.port)/hook", types: ["event.received"]) }
        XCTAssertTrue(h.eventually { notices().count >= 1 }, "the lost plan was never made again")
        usleep(300_000)
        XCTAssertEqual(notices().count, 1)
        let body = try JSONValue.parse(try XCTUnwrap(notices().first).body)
        XCTAssertEqual(body[path: "data.event_id"], .string("msg_cut"))

        // A start after a clean stop finds the final append whole and plans nothing again.
        h.stop()
        try h.start { subscribe(&$0, url: "http://127.0.0.1:\(sink.port)/hook", types: ["event.received"]) }
        usleep(500_000)
        XCTAssertEqual(notices().count, 1, "planned again though nothing was lost")
    }

    /// A subscriber the log says is disabled (it answered 410) is left out of the repair, as
    /// it was left out of the append: the lanes learn it only when the notifier starts.
    func testTheRepairLeavesOutASubscriberTheLogSaysIsDisabled() throws {
        let gone = HTTPServer(configuration: .init(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: 1)) { _, responder in
            responder.respond(.text(HTTPStatus(410)))
        }
        let gonePort = try gone.start().port
        defer { gone.shutdown(grace: 1) }
        let h = try ActionHarness()
        h.extraEnvironment = Self.subscriberEnvironment
        try h.start { subscribe(&$0, url: "http://127.0.0.1:\(gonePort)/hook", types: ["event.received"]) }
        XCTAssertEqual(h.sendYunoJuno("client.contact.updated", #"{"email":"first@example.com"}"#, id: "msg_first", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.gateway?.store.read { $0.deliveries.subscribers["ops"]?.disabled } == true }, "410 disables")
        XCTAssertEqual(h.sendYunoJuno("client.contact.updated", #"{"email":"later@example.com"}"#, id: "msg_later", mode: "test"), 200)
        h.stop()
        // As if the process had died right after the later event's append: its record is the last.
        let all = try records(h)
        let later = try XCTUnwrap(all.lastIndex { if case .received(let e) = $0.event { return e.eventID == "msg_later" } else { return false } })
        if later + 1 < all.count { try FileLog.truncate(directory: h.data + "/log", at: all[later + 1].offset) }
        try? FileManager.default.removeItem(atPath: h.data + "/snapshots")

        let sink = try Sink()
        defer { sink.server.shutdown(grace: 1) }
        try h.start { subscribe(&$0, url: "http://127.0.0.1:\(sink.port)/hook", types: ["event.received"]) }
        let planned = h.gateway?.store.read { s in
            s.deliveries.deliveries.values.filter { $0.notification.data[path: "event_id"] == .string("msg_later") }.count
        }
        XCTAssertEqual(planned, 0, "the repair planned for a disabled subscriber")
        XCTAssertEqual(h.gateway?.store.read { $0.deliveries.subscribers["ops"]?.disabled }, true)
    }

    /// The same for an action's outcome, whose job the fold has already settled (succeeded):
    /// its plan is read back from the event's `routed` record.
    func testAStartPlansTheOutcomeNotificationACutFinalAppendLost() throws {
        let h = try ActionHarness()
        h.extraEnvironment = Self.subscriberEnvironment
        try h.start { subscribe(&$0, url: Self.unreachable, types: ["action.*"]) }
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created",
                                      #"{"email":"cut-outcome@example.com","first_name":"C","last_name":"O"}"#, id: "msg_cut_outcome", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded })
        let job = try XCTUnwrap(h.jobs().first)
        h.stop()
        try cutPlans(h) { if case .attemptFinished(let f) = $0 { return f.jobID == job.id } else { return false } }

        let sink = try Sink()
        defer { sink.server.shutdown(grace: 1) }
        try h.start { subscribe(&$0, url: "http://127.0.0.1:\(sink.port)/hook", types: ["action.*"]) }
        XCTAssertTrue(h.eventually { sink.received.count >= 1 }, "the lost plan was never made again")
        usleep(300_000)
        XCTAssertEqual(sink.received.count, 1)
        let body = try JSONValue.parse(try XCTUnwrap(sink.received.first).body)
        XCTAssertEqual(body[path: "type"], .string("action.succeeded"))
        XCTAssertEqual(body[path: "data.job"], .string(job.id))
        XCTAssertEqual(body[path: "data.event_id"], .string("msg_cut_outcome"))
        XCTAssertNotNil(body[path: "data.result.id"], "the id the API returned")
        XCTAssertEqual(h.jobs().first?.status, .succeeded, "the job is not run again")
    }
}
