@testable import Gateway
import Notify
import Routing
import XCTest

/// Delivered deliveries leave `GatewayState.deliveries` for a digest and an outline: these
/// check that planning stays idempotent, a redelivery opens one again exactly, counts stay
/// totals, and a snapshot carries all of it.
final class SettledDeliveriesTests: XCTestCase {
    private func notification(_ n: Int, event: String) -> Notify.Notification {
        Notify.Notification(id: "ntf_\(n)", type: "event.received", timestamp: 1000 + Int64(n),
                            data: .object(["source": .string("s"), "event_id": .string(event)]))
    }

    private struct Fold {
        var state = GatewayState()
        var offset: UInt64 = 0
        var received: [UInt64] = [], planned: [UInt64] = []
        mutating func apply(_ event: LogEvent) {
            if case .received = event { received.append(offset) }
            if case .delivery(.planned) = event { planned.append(offset) }
            state.apply(event, at: offset)
            offset += 100
        }
        mutating func delivery(_ e: DeliveryEvent) { apply(.delivery(e)) }
    }

    /// Ten events, each delivered to "ops" (the third after a failed attempt), one dead.
    private func folded() -> Fold {
        var f = Fold()
        for n in 0..<10 {
            f.apply(.received(ReceivedEvent(source: "s", eventID: "e\(n)", eventType: "t", receivedAt: 1, signedAt: nil, contentType: nil, body: [])))
            let id = "ntf_\(n).ops"
            f.delivery(.planned(deliveryID: id, subscriberID: "ops", notification: notification(n, event: "e\(n)"), at: 1000 + Int64(n)))
            f.delivery(.attemptStarted(deliveryID: id, attempt: 1, at: 2000))
            if n == 3 {
                f.delivery(.attemptFinished(deliveryID: id, attempt: 1, at: 2001, status: 503, latencyMs: 1, outcome: .retrying(error: "503", nextAt: 2100)))
                f.delivery(.attemptStarted(deliveryID: id, attempt: 2, at: 2100))
            }
            let outcome: DeliveryOutcome = n == 9 ? .dead(error: "gave up") : .delivered
            f.delivery(.attemptFinished(deliveryID: id, attempt: n == 3 ? 2 : 1, at: 2200, status: 200, latencyMs: 1, outcome: outcome))
        }
        return f
    }

    func testDeliveredDeliveriesAreSettledAndPlanningStaysIdempotent() throws {
        var f = folded()
        XCTAssertEqual(f.state.deliveries.deliveries.keys.sorted(), ["ntf_9.ops"], "only the dead one is held whole")
        XCTAssertEqual(f.state.knownDeliveries, 10)
        XCTAssertEqual(f.state.deliveries.subscribers["ops"]?.counts.delivered, 9)
        XCTAssertEqual(f.state.settledDelivery("ntf_3.ops")?.attempts, 2)
        XCTAssertEqual(f.state.settledDelivery("ntf_3.ops")?.planned, f.planned[3], "the offset of its planned record")
        XCTAssertEqual(f.state.workRecords.count, 3, "only the dead delivery's records are re-read at start")
        // The same plan again (a notification published twice) is still one delivery.
        f.delivery(.planned(deliveryID: "ntf_3.ops", subscriberID: "ops", notification: notification(3, event: "e3"), at: 5000))
        f.delivery(.attemptStarted(deliveryID: "ntf_3.ops", attempt: 3, at: 5001))
        XCTAssertNil(f.state.deliveries.deliveries["ntf_3.ops"])
        XCTAssertEqual(f.state.deliveries.subscribers["ops"]?.counts.delivered, 9)
        // A redelivery written before notifications travelled with it cannot open one.
        f.delivery(.redeliveryRequested(deliveryID: "ntf_4.ops", at: 6000, notification: nil))
        XCTAssertNil(f.state.deliveries.deliveries["ntf_4.ops"])
    }

    func testARedeliveryOpensASettledDeliveryAsItStood() throws {
        var f = folded()
        let history = f.state.historyOffsets(received: f.received[3]).count
        XCTAssertEqual(history, 6)
        f.delivery(.redeliveryRequested(deliveryID: "ntf_3.ops", at: 7000, notification: notification(3, event: "e3")))
        let record = try XCTUnwrap(f.state.deliveries.deliveries["ntf_3.ops"])
        XCTAssertEqual(record.status, .pending)
        XCTAssertEqual(record.attempts, 2, "attempt numbers keep counting")
        XCTAssertEqual(record.nextAttemptAt, 7000)
        XCTAssertEqual(f.state.deliveries.subscribers["ops"]?.counts.delivered, 8)
        XCTAssertEqual(f.state.deliveries.subscribers["ops"]?.counts.pending, 1)
        XCTAssertEqual(f.state.historyOffsets(received: f.received[3]).count, history + 1, "the redelivery joins its event's history")
        XCTAssertEqual(f.state.knownDeliveries, 10)

        // A snapshot taken now, restored, and the same records after it: the same state.
        let snapshot = try XCTUnwrap(f.state.snapshot(lastRecordChecksum: 1))
        XCTAssertEqual(try StateSnapshot.decode(snapshot.encoded()), snapshot)
        // The scheduler's way (tables written into words sized ahead, some too short to hold
        // them and some too long) makes the same snapshot.
        for slack in [-6, 0, 30] {
            let sizes = f.state.snapshotTableSizes
            var seenWords = [UInt64](repeating: 0, count: max(0, 3 * sizes.seen + slack))
            var settledWords = [UInt64](repeating: 0, count: max(0, 3 * sizes.settled + slack))
            let copy = f.state.snapshotCopy(seenWords: &seenWords, settledWords: &settledWords)
            XCTAssertEqual(copy.uniqueEvents, 0, "the copy holds no dedupe table")
            XCTAssertEqual(copy.snapshot(lastRecordChecksum: 1, seenWords: seenWords, settledWords: settledWords), snapshot)
        }
        var restored = GatewayState(snapshot: snapshot)
        // What `StateRecovery` does: re-read the listed records, then the subscribers' standing.
        var byOffset: [UInt64: LogEvent] = [:]
        var replay = folded()
        replay.delivery(.redeliveryRequested(deliveryID: "ntf_3.ops", at: 7000, notification: notification(3, event: "e3")))
        XCTAssertEqual(replay.state.workRecords, f.state.workRecords)
        for (offset, event) in allEvents(upTo: f.offset) { byOffset[offset] = event }
        for offset in snapshot.workRecords { restored.reapplyWork(try XCTUnwrap(byOffset[offset]), at: offset) }
        restored.restoreSubscribers(snapshot.subscribers)
        XCTAssertEqual(restored.deliveries, f.state.deliveries)
        XCTAssertEqual(restored.knownDeliveries, f.state.knownDeliveries)
        XCTAssertEqual(restored.workRecords, f.state.workRecords)

        // Delivered again, it settles again, keeping its new attempt count.
        f.delivery(.attemptStarted(deliveryID: "ntf_3.ops", attempt: 3, at: 7001))
        f.delivery(.attemptFinished(deliveryID: "ntf_3.ops", attempt: 3, at: 7002, status: 200, latencyMs: 1, outcome: .delivered))
        XCTAssertNil(f.state.deliveries.deliveries["ntf_3.ops"])
        XCTAssertEqual(f.state.settledDelivery("ntf_3.ops")?.attempts, 3)
        XCTAssertEqual(f.state.deliveries.subscribers["ops"]?.counts.delivered, 9)
        XCTAssertTrue(f.state.reopenedDeliveries.isEmpty)
    }

    /// The events `folded()` plus the redelivery applied, by offset, rebuilt the same way.
    private func allEvents(upTo end: UInt64) -> [(UInt64, LogEvent)] {
        var events: [(UInt64, LogEvent)] = []
        var offset: UInt64 = 0
        func add(_ e: LogEvent) { events.append((offset, e)); offset += 100 }
        for n in 0..<10 {
            add(.received(ReceivedEvent(source: "s", eventID: "e\(n)", eventType: "t", receivedAt: 1, signedAt: nil, contentType: nil, body: [])))
            let id = "ntf_\(n).ops"
            add(.delivery(.planned(deliveryID: id, subscriberID: "ops", notification: notification(n, event: "e\(n)"), at: 1000 + Int64(n))))
            add(.delivery(.attemptStarted(deliveryID: id, attempt: 1, at: 2000)))
            if n == 3 {
                add(.delivery(.attemptFinished(deliveryID: id, attempt: 1, at: 2001, status: 503, latencyMs: 1, outcome: .retrying(error: "503", nextAt: 2100))))
                add(.delivery(.attemptStarted(deliveryID: id, attempt: 2, at: 2100)))
            }
            let outcome: DeliveryOutcome = n == 9 ? .dead(error: "gave up") : .delivered
            add(.delivery(.attemptFinished(deliveryID: id, attempt: n == 3 ? 2 : 1, at: 2200, status: 200, latencyMs: 1, outcome: outcome)))
        }
        add(.delivery(.redeliveryRequested(deliveryID: "ntf_3.ops", at: 7000, notification: notification(3, event: "e3"))))
        XCTAssertEqual(offset, end)
        return events
    }

    func testRetentionForgetsSettledDeliveriesPlannedBeforeTheMark() {
        var f = folded()
        let standing = f.state.deliveries.subscribers
        f.apply(.retained(RetentionMark(before: f.planned[5], dedupeFloor: 0, at: 60, subscribers: standing)))
        XCTAssertNil(f.state.settledDelivery("ntf_4.ops"))
        XCTAssertNotNil(f.state.settledDelivery("ntf_5.ops"))
        XCTAssertEqual(f.state.knownDeliveries, 5)
        XCTAssertEqual(f.state.deliveries.subscribers, standing, "totals are kept")
    }

    /// A mark's standing is a copy taken before the mark was appended. A state that folded the
    /// records before the mark keeps its own, newer standing: a subscriber disabled in between
    /// stays disabled. Only a fold of the log left after removal starts from the copy.
    func testAMarksStaleStandingDoesNotUndoNewerRecords() {
        var f = folded()
        let copy = f.state.deliveries.subscribers
        XCTAssertEqual(copy["ops"]?.disabled, false)
        f.apply(.delivery(.subscriberDisabled(subscriberID: "ops", reason: "answered 410 Gone", at: 8000)))
        let mark = RetentionMark(before: f.planned[5], dedupeFloor: 0, at: 60, subscribers: copy)
        f.apply(.retained(mark))
        XCTAssertEqual(f.state.deliveries.subscribers["ops"]?.disabled, true, "the mark's older copy undid the disable")
        XCTAssertEqual(f.state.deliveries.subscribers["ops"]?.disabledReason, "answered 410 Gone")

        // The log after the segments before the mark were removed: the mark is all it has.
        var after = Fold()
        after.offset = mark.before
        after.apply(.retained(mark))
        XCTAssertEqual(after.state.deliveries.subscribers, copy, "totals carried over in the mark")
    }

    /// The log left after retention removed the segment with a delivery's plan: its attempts
    /// and a redelivery remain, for an id this fold never knew. None of them may be listed for
    /// a start to re-read (the live fold never listed them; a snapshot would then need
    /// records that the next sweep removes, and be refused at every start).
    func testRecordsOfADeliveryWhosePlanIsGoneAreNotListed() {
        var f = Fold()
        f.offset = 10_000
        f.apply(.received(ReceivedEvent(source: "s", eventID: "e0", eventType: "t", receivedAt: 1, signedAt: nil, contentType: nil, body: [])))
        f.delivery(.attemptStarted(deliveryID: "ntf_0.ops", attempt: 1, at: 1))
        f.delivery(.attemptFinished(deliveryID: "ntf_0.ops", attempt: 1, at: 2, status: 200, latencyMs: 1, outcome: .delivered))
        f.delivery(.redeliveryRequested(deliveryID: "ntf_0.ops", at: 3, notification: notification(0, event: "e0")))
        XCTAssertEqual(f.state.workRecords, [])
        XCTAssertEqual(f.state.knownDeliveries, 0)
        XCTAssertTrue(f.state.deliveries.deliveries.isEmpty)
    }

    func testASnapshotListingAJobTwiceIsRefusedNotTrapped() throws {
        var f = Fold()
        f.apply(.received(ReceivedEvent(source: "s", eventID: "e0", eventType: "t", receivedAt: 1, signedAt: nil, contentType: nil, body: [])))
        f.apply(.routed(RoutedEvent(eventOffset: 0, source: "s", eventID: "e0", jobs: [
            JobPlan(id: "job_0_0", rule: "r", key: nil, actions: [ActionTemplate(name: "a", api: "growcrm", operation: "create_contact")], notify: []),
        ], routedAt: 2)))
        var snapshot = try XCTUnwrap(f.state.snapshot(lastRecordChecksum: 1))
        XCTAssertEqual(snapshot.jobs.count, 1)
        XCTAssertNoThrow(try StateSnapshot.decode(snapshot.encoded()))
        snapshot.jobs.append(snapshot.jobs[0])
        XCTAssertThrowsError(try StateSnapshot.decode(snapshot.encoded()))
        snapshot.jobs.removeLast()
        snapshot.workRecords = [300, 200]
        XCTAssertThrowsError(try StateSnapshot.decode(snapshot.encoded()), "work records out of order")
    }

    func testDigestIndexRemovalKeepsEveryOtherKeyFindable() {
        var index = DigestIndex()
        var expected: [KeyDigest: UInt64] = [:]
        var rng = SystemRandomNumberGenerator()
        // Few high bits so probe runs are long and removals shift entries back across them.
        for n in 0..<3000 {
            let digest = KeyDigest(high: UInt64.random(in: 0..<512, using: &rng), low: UInt64(n) << 1 | 1)
            index.insert(digest, UInt64(n))
            expected[digest] = UInt64(n)
        }
        for (digest, _) in expected.shuffled().prefix(1500) {
            XCTAssertEqual(index.remove(digest), expected[digest])
            expected[digest] = nil
        }
        XCTAssertNil(index.remove(KeyDigest(high: 7, low: 1 << 40 | 1)))
        XCTAssertEqual(index.count, expected.count)
        for (digest, value) in expected { XCTAssertEqual(index[digest], value) }
    }
}
