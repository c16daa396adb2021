@testable import Notify
import XCTest

/// The fold: statuses, counts, subscriber health and the open set a restart resumes.
final class DeliveryStateTests: XCTestCase {
    private let n = Notification(id: "ntf_1", type: "t", timestamp: 0, data: .null)

    func testDeliveryLifecycleAndCounts() {
        var s = DeliveryState()
        s.apply(.planned(deliveryID: "d1", subscriberID: "a", notification: n, at: 100))
        s.apply(.planned(deliveryID: "d2", subscriberID: "a", notification: n, at: 100))
        s.apply(.planned(deliveryID: "d1", subscriberID: "a", notification: n, at: 500))  // repeat: ignored
        XCTAssertEqual(s.subscribers["a"]?.counts, counts(pending: 2))
        XCTAssertEqual(s.openDeliveryIDs, ["d1", "d2"])
        XCTAssertEqual(s.deliveries["d1"]?.plannedAt, 100)

        s.apply(.attemptStarted(deliveryID: "d1", attempt: 1, at: 101))
        XCTAssertEqual(s.deliveries["d1"]?.status, .inFlight)
        s.apply(.attemptFinished(deliveryID: "d1", attempt: 1, at: 102, status: 503, latencyMs: 1,
                                 outcome: .retrying(error: "HTTP 503", nextAt: 200)))
        XCTAssertEqual(s.deliveries["d1"]?.status, .pending)
        XCTAssertEqual(s.deliveries["d1"]?.nextAttemptAt, 200)
        XCTAssertEqual(s.deliveries["d1"]?.lastError, "HTTP 503")
        XCTAssertEqual(s.deliveries["d1"]?.lastStatus, 503)
        XCTAssertEqual(s.subscribers["a"]?.counts, counts(pending: 1, failing: 1))
        XCTAssertEqual(s.subscribers["a"]?.consecutiveFailures, 1)
        XCTAssertEqual(s.subscribers["a"]?.failingSince, 102)

        s.apply(.attemptStarted(deliveryID: "d1", attempt: 2, at: 200))
        s.apply(.attemptFinished(deliveryID: "d1", attempt: 2, at: 201, status: 200, latencyMs: 1, outcome: .delivered))
        XCTAssertEqual(s.deliveries["d1"]?.status, .delivered)
        XCTAssertEqual(s.deliveries["d1"]?.attempts, 2)
        XCTAssertEqual(s.subscribers["a"]?.counts, counts(pending: 1, delivered: 1))
        XCTAssertEqual(s.subscribers["a"]?.consecutiveFailures, 0)
        XCTAssertNil(s.subscribers["a"]?.failingSince)
        XCTAssertEqual(s.openDeliveryIDs, ["d2"])

        s.apply(.attemptStarted(deliveryID: "d2", attempt: 1, at: 300))
        s.apply(.attemptFinished(deliveryID: "d2", attempt: 1, at: 301, status: 500, latencyMs: 1, outcome: .dead(error: "gave up")))
        XCTAssertEqual(s.subscribers["a"]?.counts, counts(delivered: 1, dead: 1))
        XCTAssertTrue(s.openDeliveries.isEmpty)

        s.apply(.redeliveryRequested(deliveryID: "d2", at: 400, notification: nil))
        XCTAssertEqual(s.deliveries["d2"]?.status, .pending)
        XCTAssertEqual(s.deliveries["d2"]?.roundAttempts, 0)
        XCTAssertEqual(s.deliveries["d2"]?.attempts, 1)
        XCTAssertEqual(s.subscribers["a"]?.counts, counts(pending: 1, delivered: 1))
        XCTAssertEqual(s.openDeliveries.map(\.id), ["d2"])
    }

    /// An outcome held back by a worker, recorded after the next attempt started (an
    /// operator's redelivery in between), is stale: it must not mark the delivery delivered.
    func testAnOutcomeOfAnOlderAttemptIsIgnored() {
        var s = DeliveryState()
        s.apply(.planned(deliveryID: "d", subscriberID: "a", notification: n, at: 0))
        s.apply(.attemptStarted(deliveryID: "d", attempt: 1, at: 1))
        s.apply(.redeliveryRequested(deliveryID: "d", at: 2, notification: nil))
        s.apply(.attemptStarted(deliveryID: "d", attempt: 2, at: 3))
        s.apply(.attemptFinished(deliveryID: "d", attempt: 1, at: 4, status: 200, latencyMs: 1, outcome: .delivered))
        XCTAssertEqual(s.deliveries["d"]?.status, .inFlight, "attempt 2 is still under way")
        XCTAssertEqual(s.subscribers["a"]?.counts.delivered, 0)
        s.apply(.attemptFinished(deliveryID: "d", attempt: 2, at: 5, status: 503, latencyMs: 1,
                                 outcome: .retrying(error: "HTTP 503", nextAt: 50)))
        XCTAssertEqual(s.deliveries["d"]?.status, .pending)
        XCTAssertEqual(s.deliveries["d"]?.lastError, "HTTP 503")
    }

    func testNotSentGivesTheAttemptBack() {
        var s = DeliveryState()
        s.apply(.planned(deliveryID: "d", subscriberID: "a", notification: n, at: 0))
        s.apply(.attemptStarted(deliveryID: "d", attempt: 1, at: 1))
        s.apply(.attemptFinished(deliveryID: "d", attempt: 1, at: 2, status: nil, latencyMs: 0,
                                 outcome: .notSent(reason: "circuit open", nextAt: 50)))
        XCTAssertEqual(s.deliveries["d"]?.attempts, 0)
        XCTAssertEqual(s.deliveries["d"]?.roundAttempts, 0)
        XCTAssertEqual(s.deliveries["d"]?.status, .pending)
        XCTAssertEqual(s.deliveries["d"]?.nextAttemptAt, 50)
        XCTAssertEqual(s.subscribers["a"]?.consecutiveFailures, 0)
    }

    func testSubscriberEventsFold() {
        var s = DeliveryState()
        s.apply(.circuitOpened(subscriberID: "a", at: 10, until: 70))
        XCTAssertEqual(s.subscribers["a"]?.circuit, .open(until: 70))
        XCTAssertTrue(s.subscribers["a"]!.circuit.isHalfOpen(now: 70))
        XCTAssertFalse(s.subscribers["a"]!.circuit.isHalfOpen(now: 69))
        s.apply(.circuitClosed(subscriberID: "a", at: 80))
        XCTAssertEqual(s.subscribers["a"]?.circuit, .closed)
        s.apply(.subscriberDisabled(subscriberID: "a", reason: "answered 410 Gone", at: 90))
        XCTAssertEqual(s.subscribers["a"]?.disabled, true)
        XCTAssertEqual(s.subscribers["a"]?.disabledReason, "answered 410 Gone")
        s.apply(.subscriberEnabled(subscriberID: "a", at: 95))
        XCTAssertEqual(s.subscribers["a"]?.disabled, false)
        XCTAssertNil(s.subscribers["a"]?.disabledReason)
    }

    func testReplayingEncodedEventsGivesTheSameState() throws {
        let journal = MemoryDeliveryJournal()
        journal.record(EncodingTests.everyEvent) { XCTAssertTrue($0) }
        let rebuilt = try MemoryDeliveryJournal(replaying: journal.encodedEvents())
        XCTAssertEqual(rebuilt.state(), journal.state())
        XCTAssertEqual(rebuilt.state(), DeliveryState(replaying: EncodingTests.everyEvent))
    }

    private func counts(pending: Int = 0, failing: Int = 0, delivered: Int = 0, failed: Int = 0, dead: Int = 0) -> DeliveryCounts {
        var c = DeliveryCounts()
        c.add(.pending, pending); c.add(.failing, failing); c.add(.delivered, delivered); c.add(.failed, failed); c.add(.dead, dead)
        return c
    }
}
