import Foundation
import HTTP1
@testable import Notify
import Routing
import XCTest

/// Fan-out by type, retries, Retry-After, redirects, 410, dead letters, timeouts, keep-alive.
final class DeliveryFlowTests: XCTestCase {
    private func finished(_ journal: MemoryDeliveryJournal, _ id: String) -> [(Int?, DeliveryOutcome)] {
        journal.events().compactMap {
            if case .attemptFinished(id, _, _, let status, _, let outcome) = $0 { return (status, outcome) }
            return nil
        }
    }

    func testTypePatternsAndExplicitSubscribers() throws {
        let sinks = try (0..<4).map { _ in try ScriptedSink() }
        defer { sinks.forEach { $0.stop() } }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let notifier = Harness.notifier([
            Harness.subscriber("events", url: sinks[0].url, types: ["event.received"]),
            Harness.subscriber("actions", url: sinks[1].url, types: ["action.*"]),
            Harness.subscriber("all", url: sinks[2].url, types: ["*"]),
            Harness.subscriber("named", url: sinks[3].url, types: ["never.matches"]),
        ], journal: journal, log: log)
        notifier.start()
        defer { notifier.stop() }
        let received = Harness.notification("event.received")
        notifier.publish(received)
        notifier.publish(Harness.notification("action.succeeded"))
        notifier.publish(Harness.notification("action.failed"))
        notifier.publish(Harness.notification("actions"))           // not "action.*"
        let other = Harness.notification("other.thing")
        notifier.publish(other, to: ["named", "all", "nobody"])
        notifier.publish(other, to: ["nobody"])                     // planned already: nothing new, and no second warning
        notifier.publish(received)                                  // the same notification again: once
        XCTAssertTrue(Harness.wait { sinks[2].count == 5 && sinks[1].count == 2 && sinks[0].count == 1 && sinks[3].count == 1 })
        usleep(200_000)
        XCTAssertEqual(sinks.map(\.count), [1, 2, 5, 1])
        XCTAssertEqual(sinks[1].requests.compactMap { (try? JSONValue.parse($0.body))?[path: "type"]?.scalarText }.sorted(),
                       ["action.failed", "action.succeeded"])
        XCTAssertTrue(log.contains("routes name subscriber \"nobody\", which is not configured"))
        XCTAssertEqual(log.count(of: "subscriber \"nobody\""), 1, "said once, not for every notification")
        XCTAssertEqual(journal.state().deliveries.count, 9)
    }

    func testRetriesAfter503sThenDelivers() throws {
        let sink = try ScriptedSink { _, i in .respond(HTTPResponseFactory.status(i < 2 ? 503 : 200, body: "busy")) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url)], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "crm")
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.status == .delivered })
        let outcomes = finished(journal, id)
        XCTAssertEqual(outcomes.map(\.0), [503, 503, 200])
        guard case .retrying(let error, _) = outcomes[0].1 else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(error, "HTTP 503: busy")
        XCTAssertEqual(outcomes[2].1, .delivered)
        XCTAssertEqual(journal.state().deliveries[id]?.attempts, 3)
        XCTAssertEqual(sink.count, 3)
        // Every attempt was recorded as started, in order, before it finished.
        let kinds = journal.events().filter { $0.deliveryID == id }.map { event -> String in
            switch event {
            case .planned: return "planned"
            case .attemptStarted(_, let a, _): return "start\(a)"
            case .attemptFinished(_, let a, _, _, _, _): return "finish\(a)"
            default: return "other"
            }
        }
        XCTAssertEqual(kinds, ["planned", "start1", "finish1", "start2", "finish2", "start3", "finish3"])
    }

    /// A 429 with Retry-After holds that delivery and the whole subscriber for as long as asked.
    func testRetryAfterIsHonoured() throws {
        let sink = try ScriptedSink { _, i in
            i == 0 ? .respond(HTTPResponseFactory.status(429, headers: [("Retry-After", "1")])) : .respond(HTTPResponseFactory.status(200))
        }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url, schedule: [0, 0.05]) { $0.concurrency = 1 }],
                                        journal: journal)
        notifier.publish(Harness.notification())
        notifier.publish(Harness.notification())
        notifier.start()
        defer { notifier.stop() }
        XCTAssertTrue(Harness.wait { sink.count == 3 })
        let times = sink.requests.map(\.at)
        XCTAssertGreaterThanOrEqual(times[1] - times[0], 950, "retry came too soon")
        XCTAssertGreaterThanOrEqual(times[2] - times[0], 950, "the other delivery was not held back")
        XCTAssertLessThan(times[1] - times[0], 3000)
    }

    func testRedirectIsAFailure() throws {
        let sink = try ScriptedSink { _, i in
            .respond(HTTPResponseFactory.status(i == 0 ? 302 : 200, headers: [("Location", "http://127.0.0.1:1/elsewhere")]))
        }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url)], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "crm")
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.status == .delivered })
        let outcomes = finished(journal, id)
        XCTAssertEqual(outcomes.map(\.0), [302, 200])
        guard case .retrying(let error, _) = outcomes[0].1 else { return XCTFail("\(outcomes)") }
        XCTAssertEqual(error, "HTTP 302 (redirects are not followed)")
        XCTAssertEqual(sink.requests.map(\.target), ["/hooks?from=gatehouse", "/hooks?from=gatehouse"])
    }

    func testGoneDisablesUntilEnabled() throws {
        let sink = try ScriptedSink { _, i in .respond(HTTPResponseFactory.status(i == 0 ? 410 : 200)) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url) { $0.concurrency = 1 }], journal: journal, log: log)
        let first = Harness.notification(), second = Harness.notification()
        notifier.publish(first)
        notifier.publish(second)
        notifier.start()
        defer { notifier.stop() }
        XCTAssertTrue(Harness.wait { journal.state().subscribers["crm"]?.disabled == true })
        notifier.publish(Harness.notification())        // disabled: not planned
        usleep(300_000)
        XCTAssertEqual(sink.count, 1)
        let state = journal.state()
        XCTAssertEqual(state.subscribers["crm"]?.disabledReason, "answered 410 Gone")
        XCTAssertEqual(state.deliveries[DeliveryID.make(notificationID: first.id, subscriberID: "crm")]?.status, .failed)
        XCTAssertEqual(state.deliveries[DeliveryID.make(notificationID: second.id, subscriberID: "crm")]?.status, .pending)
        XCTAssertEqual(state.deliveries.count, 2)
        XCTAssertTrue(log.contains("subscriber crm disabled: answered 410 Gone"))

        notifier.enable(subscriberID: "crm")
        XCTAssertTrue(Harness.wait { sink.count == 2 })
        XCTAssertEqual(sink.requests[1].webhookID, DeliveryID.make(notificationID: second.id, subscriberID: "crm"))
        notifier.publish(Harness.notification())
        XCTAssertTrue(Harness.wait { sink.count == 3 })
        XCTAssertEqual(journal.state().subscribers["crm"]?.disabled, false)
        XCTAssertTrue(journal.events().contains { if case .subscriberEnabled("crm", _) = $0 { return true }; return false })
    }

    /// The schedule runs out: the delivery is dead, the operator is told, and a receiver
    /// echoing the subscriber's credential header does not get it into the error text.
    func testDeadLetterAfterCompressedSchedule() throws {
        let sink = try ScriptedSink { request, _ in
            .respond(HTTPResponseFactory.status(500, body: "bad auth: \(request.headers["authorization"] ?? "")"))
        }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url, schedule: [0, 0.02, 0.02]) {
            $0.headers = ["Authorization": "Bearer s3cret-header-value"]
        }], journal: journal, log: log)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "crm")
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.status == .dead })
        usleep(200_000)
        XCTAssertEqual(sink.count, 3)
        XCTAssertEqual(sink.requests[0].headers["authorization"], "Bearer s3cret-header-value")
        let record = try XCTUnwrap(journal.state().deliveries[id])
        XCTAssertEqual(record.lastError, "gave up after 3 attempt(s): HTTP 500: bad auth: [redacted]")
        XCTAssertEqual(journal.state().subscribers["crm"]?.counts.dead, 1)
        XCTAssertTrue(log.contains("delivery \(id) dead after attempt 3"))
        let everything = log.all.joined() + journal.events().map { "\($0)" }.joined()
        XCTAssertFalse(everything.contains("s3cret"))
    }

    func testTimeoutIsEnforced() throws {
        let sink = try ScriptedSink { _, _ in .never }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("slow", url: sink.url, schedule: [0, 30]) { $0.timeoutSeconds = 0.3 }],
                                        journal: journal)
        notifier.start()
        defer { notifier.stop(graceSeconds: 0.1) }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "slow")
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.lastError != nil })
        let finishedEvent = try XCTUnwrap(journal.events().first { if case .attemptFinished = $0 { return true }; return false })
        guard case .attemptFinished(_, _, _, let status, let latency, .retrying(let error, _)) = finishedEvent else {
            return XCTFail("\(finishedEvent)")
        }
        XCTAssertNil(status)
        XCTAssertEqual(error, "timed out waiting for an answer")
        XCTAssertGreaterThanOrEqual(latency, 290)
        XCTAssertLessThan(latency, 1500)
    }

    func testKeepAliveReusesOneConnection() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url) { $0.concurrency = 1 }], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        for i in 0..<30 {
            notifier.publish(Harness.notification())
            if i % 10 == 0 { usleep(20_000) }
        }
        XCTAssertTrue(Harness.wait { sink.count == 30 })
        XCTAssertEqual(sink.acceptedConnections, 1)
        XCTAssertEqual(journal.state().subscribers["crm"]?.counts.delivered, 30)
    }

    /// A connection the sink drops mid-request counts as a failure and a new one is opened.
    func testDroppedConnectionIsRetriedOnANewOne() throws {
        let sink = try ScriptedSink { _, i in i == 0 ? .drop : .respond(HTTPResponseFactory.status(204)) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url) { $0.concurrency = 1 }], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "crm")
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.status == .delivered })
        let outcomes = finished(journal, id)
        XCTAssertEqual(outcomes.count, 2)
        guard case .retrying(let error, _) = outcomes[0].1 else { return XCTFail("\(outcomes)") }
        XCTAssertTrue(error.hasPrefix("connection closed"), error)
        XCTAssertEqual(sink.acceptedConnections, 2)
    }

    /// A subscriber's error body that echoes what it was sent (the bare token of an
    /// Authorization header, a token in the URL's query) has it redacted in the recorded error.
    func testAnErrorBodyEchoingTheSubscribersCredentialsIsRedacted() throws {
        let sink = try ScriptedSink { _, _ in
            .respond(HTTPResponseFactory.status(400, body: "token abc123secret expired;\tno route for /in?token=QUERYSECRET99"))
        }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("echo", url: "http://127.0.0.1:\(sink.port)/in?token=QUERYSECRET99", schedule: [0, 30]) {
            $0.headers = ["Authorization": "Bearer abc123secret"]
        }], journal: journal)
        notifier.start()
        defer { notifier.stop(graceSeconds: 0.1) }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "echo")
        XCTAssertTrue(Harness.wait(5) { journal.state().deliveries[id]?.lastError != nil })
        let error = try XCTUnwrap(journal.state().deliveries[id]?.lastError)
        XCTAssertFalse(error.contains("abc123secret"), error)
        XCTAssertFalse(error.contains("QUERYSECRET99"), error)
        XCTAssertTrue(error.contains("[redacted]"), error)
    }

    /// A receiver closing idle keep-alive connections costs no failed attempt: a closed
    /// connection is noticed (or the request goes again on a new one).
    func testIdleConnectionsClosedByTheReceiverAreReplaced() throws {
        var limits = HTTPLimits()
        limits.idleTimeoutMilliseconds = 150
        let sink = try ScriptedSink(limits: limits)
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url) { $0.concurrency = 1 }], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        for (n, pause) in [(1, 600_000), (2, 1_300_000), (3, 0)] as [(Int, UInt32)] {
            notifier.publish(Harness.notification())
            XCTAssertTrue(Harness.wait { sink.count == n })
            usleep(pause)
        }
        XCTAssertTrue(Harness.wait { journal.state().subscribers["crm"]?.counts.delivered == 3 })
        XCTAssertEqual(journal.state().subscribers["crm"]?.consecutiveFailures, 0)
        XCTAssertFalse(journal.events().contains { event in
            if case .attemptFinished(_, _, _, _, _, let outcome) = event { return outcome != .delivered }
            return false
        })
        XCTAssertEqual(sink.acceptedConnections, 3)
    }
}
