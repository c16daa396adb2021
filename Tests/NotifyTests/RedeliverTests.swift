import Foundation
import Notify
import XCTest

/// Operator recovery: a dry run lists, a real run sends again under the same webhook-id.
final class RedeliverTests: XCTestCase {
    func testDryRunListsAndRealRunResends() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url), Harness.subscriber("ops", url: sink.url, types: ["none"])],
                                        journal: journal)
        notifier.start()
        defer { notifier.stop() }
        let start = Harness.nowMs()
        let ns = (0..<3).map { Harness.notification(id: "ntf_r\($0)") }
        for n in ns {
            notifier.publish(n)
            usleep(5_000)
        }
        XCTAssertTrue(Harness.wait { sink.count == 3 && journal.state().subscribers["crm"]?.counts.delivered == 3 })
        let end = Harness.nowMs()
        let ids = ns.map { DeliveryID.make(notificationID: $0.id, subscriberID: "crm") }

        let listed = notifier.redeliver(subscriberID: "crm", from: start, to: end, statuses: [.delivered], dryRun: true)
        XCTAssertEqual(listed, ids)
        XCTAssertEqual(notifier.redeliver(subscriberID: "crm", from: start, to: end, statuses: [.dead, .failed], dryRun: true), [])
        XCTAssertEqual(notifier.redeliver(subscriberID: "ops", from: start, to: end, statuses: [.delivered], dryRun: true), [])
        XCTAssertEqual(notifier.redeliver(subscriberID: "crm", from: end + 1, to: end + 10_000, statuses: [.delivered], dryRun: true), [])
        usleep(200_000)
        XCTAssertEqual(sink.count, 3, "a dry run sent something")
        XCTAssertFalse(journal.events().contains { if case .redeliveryRequested = $0 { return true }; return false })

        XCTAssertEqual(notifier.redeliver(subscriberID: "crm", from: start, to: end, statuses: [.delivered], dryRun: false), ids)
        XCTAssertTrue(Harness.wait { sink.count == 6 })
        XCTAssertEqual(sink.requests[3...].map(\.webhookID).sorted(), ids)
        XCTAssertTrue(Harness.wait { journal.state().deliveries[ids[0]]?.status == .delivered
                                     && journal.state().deliveries[ids[0]]?.attempts == 2 })

        XCTAssertTrue(notifier.redeliver(deliveryID: ids[1]))
        XCTAssertTrue(Harness.wait { sink.count == 7 })
        XCTAssertEqual(sink.requests[6].webhookID, ids[1])
        XCTAssertFalse(notifier.redeliver(deliveryID: "ntf_missing.crm"))
    }

    func testRedeliveringADeadDeliveryStartsAFreshSchedule() throws {
        let sink = try ScriptedSink { _, i in .respond(HTTPResponseFactory.status(i < 2 ? 500 : 200)) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url, schedule: [0, 0.02])], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification()
        notifier.publish(n)
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "crm")
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.status == .dead })
        XCTAssertTrue(notifier.redeliver(deliveryID: id))
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.status == .delivered })
        XCTAssertEqual(journal.state().deliveries[id]?.attempts, 3)
        XCTAssertEqual(sink.count, 3)
    }
}
