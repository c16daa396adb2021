import Foundation
import Notify
import Synchronization
import XCTest

/// Nothing is sent that is not durably recorded first; nothing is recorded after stop.
final class DurabilityTests: XCTestCase {
    func testNothingIsPlannedOrSentWhileTheJournalRefuses() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url)], journal: journal, log: log)
        notifier.start()
        defer { notifier.stop() }
        journal.setFailing(true)
        notifier.publish(Harness.notification())
        usleep(300_000)
        XCTAssertEqual(sink.count, 0)
        XCTAssertTrue(log.contains("could not record the plan"))
        journal.setFailing(false)
        XCTAssertTrue(Harness.wait(3) { sink.count == 1 }, "the plan was not retried")
    }

    func testNoRequestLeavesBeforeItsStartIsDurable() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = RefusingStartsJournal()
        let log = LogLines()
        let notifier = Notifier(subscribers: [Harness.subscriber("crm", url: sink.url)], journal: journal,
                                allowPrivateAddresses: true, logger: log.logger)
        notifier.start()
        defer { notifier.stop() }
        notifier.publish(Harness.notification())
        usleep(400_000)
        XCTAssertEqual(sink.count, 0, "a request went out without a durable attemptStarted")
        XCTAssertTrue(log.contains("could not record the start of 1 attempt(s); nothing sent"))
        journal.refuseStarts(false)
        XCTAssertTrue(Harness.wait(3) { sink.count == 1 })
        // The sink counts the request on arrival; the worker records the delivery only after the
        // answer is back, so the record is waited for (read at once, it raced under a busy machine).
        XCTAssertTrue(Harness.wait(3) { journal.state().subscribers["crm"]?.counts.delivered == 1 },
                      "delivered: \(String(describing: journal.state().subscribers["crm"]?.counts.delivered))")
    }

    func testStopAbortsStuckRequestsAndRecordsNothingAfter() throws {
        let sink = try ScriptedSink { _, _ in .never }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url) { $0.timeoutSeconds = 30 }], journal: journal)
        notifier.start()
        let n = Harness.notification()
        notifier.publish(n)
        XCTAssertTrue(Harness.wait { sink.count == 1 })
        let started = Date()
        notifier.stop(graceSeconds: 0.2)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)
        let recorded = journal.encodedEvents().count
        usleep(300_000)
        XCTAssertEqual(journal.encodedEvents().count, recorded)
        // Left in flight: a restart sends it again.
        XCTAssertEqual(journal.state().deliveries[DeliveryID.make(notificationID: n.id, subscriberID: "crm")]?.status, .inFlight)
        notifier.publish(Harness.notification())
        XCTAssertEqual(journal.encodedEvents().count, recorded)
    }
}
