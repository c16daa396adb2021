import Foundation
import Notify
import XCTest

/// The per-subscriber circuit breaker and disabling a subscriber that never recovers.
final class CircuitTests: XCTestCase {
    func testCircuitOpensAfterFailuresProbesAndClosesOnSuccess() throws {
        let sink = try ScriptedSink { _, i in .respond(HTTPResponseFactory.status(i < 4 ? 500 : 200)) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let subscriber = Harness.subscriber("crm", url: sink.url, schedule: [0] + Array(repeating: 0.02, count: 20)) {
            $0.maxConsecutiveFailures = 3
            $0.circuitOpenSeconds = 0.5
            $0.concurrency = 1
        }
        let notifier = Harness.notifier([subscriber], journal: journal, log: log)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification()
        notifier.publish(n)
        XCTAssertTrue(Harness.wait { journal.state().subscribers["crm"]?.counts.delivered == 1 })
        let t = sink.requests.map(\.at)
        XCTAssertEqual(t.count, 5)
        XCTAssertLessThan(t[2] - t[0], 1500, "the first three failures follow the schedule, not the circuit")
        XCTAssertGreaterThanOrEqual(t[3] - t[2], 450, "nothing is sent while the circuit is open")
        XCTAssertGreaterThanOrEqual(t[4] - t[3], 450, "a failed probe opens the circuit again")

        let circuit = journal.events().compactMap { event -> String? in
            switch event {
            case .circuitOpened: return "opened"
            case .circuitClosed: return "closed"
            default: return nil
            }
        }
        XCTAssertEqual(circuit, ["opened", "opened", "closed"])
        XCTAssertEqual(journal.state().subscribers["crm"]?.circuit, .closed)
        XCTAssertTrue(log.contains("subscriber crm circuit opened"))
        XCTAssertTrue(log.contains("subscriber crm circuit closed"))

        // Closed again: new deliveries flow at once.
        for _ in 0..<5 { notifier.publish(Harness.notification()) }
        XCTAssertTrue(Harness.wait(2) { sink.count == 10 })
    }

    /// Deliveries published while the circuit is open wait; none is attempted (nor burns a
    /// retry) until the probe.
    func testDeliveriesWaitWhileOpen() throws {
        let sink = try ScriptedSink { _, i in .respond(HTTPResponseFactory.status(i < 2 ? 500 : 200)) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let subscriber = Harness.subscriber("crm", url: sink.url, schedule: [0, 5]) {
            $0.maxConsecutiveFailures = 2
            $0.circuitOpenSeconds = 0.6
            $0.concurrency = 1
        }
        let notifier = Harness.notifier([subscriber], journal: journal)
        notifier.start()
        defer { notifier.stop() }
        notifier.publish(Harness.notification())
        notifier.publish(Harness.notification())
        XCTAssertTrue(Harness.wait { journal.state().subscribers["crm"]?.circuit != .closed })
        for _ in 0..<3 { notifier.publish(Harness.notification()) }
        usleep(300_000)
        XCTAssertEqual(sink.count, 2)
        XCTAssertEqual(journal.state().subscribers["crm"]?.counts.pending, 3)
        // The probe goes after 0.6 s, succeeds, and the three waiting ones follow.
        XCTAssertTrue(Harness.wait(3) { sink.count == 5 })
        XCTAssertEqual(journal.state().subscribers["crm"]?.counts.delivered, 3)
    }

    func testSubscriberFailingTooLongIsDisabled() throws {
        let sink = try ScriptedSink { _, _ in .respond(HTTPResponseFactory.status(500)) }
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let subscriber = Harness.subscriber("crm", url: sink.url, schedule: [0] + Array(repeating: 0.05, count: 100)) {
            $0.disableAfterFailingSeconds = 0.3
            $0.concurrency = 1
        }
        let notifier = Harness.notifier([subscriber], journal: journal, log: log)
        notifier.start()
        defer { notifier.stop() }
        let n = Harness.notification()
        notifier.publish(n)
        XCTAssertTrue(Harness.wait(3) { journal.state().subscribers["crm"]?.disabled == true })
        let reason = try XCTUnwrap(journal.state().subscribers["crm"]?.disabledReason)
        XCTAssertTrue(reason.hasPrefix("failing without a success since 20"), reason)
        let sent = sink.count
        XCTAssertGreaterThanOrEqual(sent, 4)
        usleep(300_000)
        XCTAssertEqual(sink.count, sent, "a disabled subscriber gets nothing")
        XCTAssertEqual(journal.state().deliveries[DeliveryID.make(notificationID: n.id, subscriberID: "crm")]?.status, .pending)
        XCTAssertTrue(log.contains("subscriber crm disabled: failing without a success"))
    }
}
