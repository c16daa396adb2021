import Foundation
import Notify
import Synchronization
import XCTest

/// A new notifier built from the journal's recorded bytes resumes every open delivery at its
/// due time and never sends a delivered one again.
final class RestartTests: XCTestCase {
    func testRestartResumesPendingAtItsDueTimeAndNeverResendsDelivered() throws {
        let failing = Harness.notification(id: "ntf_failsonce")
        let fine = Harness.notification(id: "ntf_fine")
        let seen = FirstSeen()
        let sink = try ScriptedSink { request, _ in
            let first = request.webhookID == "ntf_failsonce.crm" && !seen.seenBefore(request.webhookID)
            return .respond(HTTPResponseFactory.status(first ? 500 : 200))
        }
        defer { sink.stop() }
        let subscriber = Harness.subscriber("crm", url: sink.url, schedule: [0, 1.5])

        let journal = MemoryDeliveryJournal()
        let before = Harness.notifier([subscriber], journal: journal)
        before.start()
        before.publish(failing)
        before.publish(fine)
        XCTAssertTrue(Harness.wait { journal.state().deliveries["ntf_fine.crm"]?.status == .delivered
                                     && journal.state().deliveries["ntf_failsonce.crm"]?.lastStatus == 500 })
        before.stop()
        let due = try XCTUnwrap(journal.state().deliveries["ntf_failsonce.crm"]?.nextAttemptAt)
        XCTAssertEqual(sink.count, 2)

        // The "restart": only the recorded bytes survive.
        let recovered = try MemoryDeliveryJournal(replaying: journal.encodedEvents())
        XCTAssertEqual(recovered.state().openDeliveryIDs, ["ntf_failsonce.crm"])
        let after = Harness.notifier([subscriber], journal: recovered)
        after.start()
        defer { after.stop() }
        after.publish(fine)      // already delivered: not planned again
        XCTAssertTrue(Harness.wait(4) { recovered.state().deliveries["ntf_failsonce.crm"]?.status == .delivered })
        usleep(200_000)
        let requests = sink.requests
        XCTAssertEqual(requests.filter { $0.webhookID == "ntf_fine.crm" }.count, 1, "a delivered notification was sent again")
        let retries = requests.filter { $0.webhookID == "ntf_failsonce.crm" }
        XCTAssertEqual(retries.count, 2)
        XCTAssertGreaterThanOrEqual(retries[1].at, due - 20, "resumed before its due time")
        XCTAssertEqual(recovered.state().deliveries["ntf_failsonce.crm"]?.attempts, 2)
    }

    /// An action that finishes while the gateway stops writes its outcome with its plan: the
    /// notifier, already stopped, still prepares the plan (it was nil, and the snapshot written
    /// at the stop then covered an outcome with no notification, for good). The plan is sent
    /// after the restart.
    func testAPlanPreparedAfterStopIsSentAfterTheRestart() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let subscriber = Harness.subscriber("crm", url: sink.url)
        let journal = MemoryDeliveryJournal()
        let before = Harness.notifier([subscriber], journal: journal)
        before.start()
        before.stop()
        let prepared = try XCTUnwrap(before.prepare(Harness.notification(id: "ntf_late")), "a stopped notifier planned nothing")
        XCTAssertTrue(RecordedOK.record(prepared.events, in: journal))
        before.admit(prepared)
        usleep(200_000)
        XCTAssertEqual(sink.count, 0, "a stopped notifier sent")

        let recovered = try MemoryDeliveryJournal(replaying: journal.encodedEvents())
        let after = Harness.notifier([subscriber], journal: recovered)
        after.start()
        defer { after.stop() }
        XCTAssertTrue(Harness.wait(4) { recovered.state().deliveries["ntf_late.crm"]?.status == .delivered })
    }

    /// An operator's redelivery recorded while an attempt's answer was on its way: that
    /// attempt's outcome, recorded after the redelivery, is stale. It settled the delivery,
    /// and the redelivery's own failing attempts were then dropped from the fold.
    func testAnOutcomeRecordedAfterARedeliveryDoesNotSettleIt() throws {
        let n = Harness.notification(id: "ntf_race")
        let now = Harness.nowMs()
        let events: [DeliveryEvent] = [
            .planned(deliveryID: "ntf_race.crm", subscriberID: "crm", notification: n, at: now),
            .attemptStarted(deliveryID: "ntf_race.crm", attempt: 1, at: now + 1),
            .redeliveryRequested(deliveryID: "ntf_race.crm", at: now + 2, notification: n),
            .attemptFinished(deliveryID: "ntf_race.crm", attempt: 1, at: now + 3, status: 200, latencyMs: 1, outcome: .delivered),
            .attemptStarted(deliveryID: "ntf_race.crm", attempt: 2, at: now + 4),
            .attemptFinished(deliveryID: "ntf_race.crm", attempt: 2, at: now + 5, status: 500, latencyMs: 1,
                             outcome: .retrying(error: "HTTP 500", nextAt: now + 60_000)),
        ]
        let journal = try MemoryDeliveryJournal(replaying: events.map { $0.encoded() })
        let record = try XCTUnwrap(journal.state().deliveries["ntf_race.crm"])
        XCTAssertEqual(record.status, .pending, "\(record)")
        XCTAssertEqual(record.attempts, 2)
        XCTAssertEqual(record.nextAttemptAt, now + 60_000)
    }

    /// A crash between `attemptStarted` and `attemptFinished`: the outcome is unknown, so the
    /// delivery goes again at once, under the same webhook-id.
    func testInFlightAtCrashIsSentAgain() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let n = Harness.notification(id: "ntf_inflight")
        let now = Harness.nowMs()
        let crashed: [DeliveryEvent] = [
            .planned(deliveryID: "ntf_inflight.crm", subscriberID: "crm", notification: n, at: now - 5000),
            .attemptStarted(deliveryID: "ntf_inflight.crm", attempt: 1, at: now - 4000),
        ]
        let journal = try MemoryDeliveryJournal(replaying: crashed.map { $0.encoded() })
        XCTAssertEqual(journal.state().deliveries["ntf_inflight.crm"]?.status, .inFlight)
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url)], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        XCTAssertTrue(Harness.wait(2) { journal.state().deliveries["ntf_inflight.crm"]?.status == .delivered })
        XCTAssertEqual(sink.requests.map(\.webhookID), ["ntf_inflight.crm"])
        XCTAssertEqual(journal.state().deliveries["ntf_inflight.crm"]?.attempts, 2)
    }

    /// Disabled and open-circuit subscribers stay so across a restart.
    func testSubscriberStateSurvivesRestart() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let n = Harness.notification(id: "ntf_waits")
        let now = Harness.nowMs()
        let recorded: [DeliveryEvent] = [
            .planned(deliveryID: "ntf_waits.crm", subscriberID: "crm", notification: n, at: now),
            .subscriberDisabled(subscriberID: "crm", reason: "answered 410 Gone", at: now),
            .planned(deliveryID: "ntf_waits.ops", subscriberID: "ops", notification: n, at: now),
            .circuitOpened(subscriberID: "ops", at: now, until: now + 700),
        ]
        let journal = try MemoryDeliveryJournal(replaying: recorded.map { $0.encoded() })
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url), Harness.subscriber("ops", url: sink.url)],
                                        journal: journal)
        notifier.start()
        defer { notifier.stop() }
        usleep(400_000)
        XCTAssertEqual(sink.count, 0)
        XCTAssertTrue(Harness.wait(2) { sink.count == 1 })
        XCTAssertEqual(sink.requests.first?.webhookID, "ntf_waits.ops")
        XCTAssertGreaterThanOrEqual(sink.requests[0].at, now + 680)
        notifier.enable(subscriberID: "crm")
        XCTAssertTrue(Harness.wait(2) { sink.count == 2 })
    }
}

/// Records events in a journal and waits for its answer.
enum RecordedOK {
    static func record(_ events: [DeliveryEvent], in journal: any DeliveryJournal) -> Bool {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex(false)
        journal.record(events) { ok in result.withLock { $0 = ok }; done.signal() }
        done.wait()
        return result.withLock { $0 }
    }
}
