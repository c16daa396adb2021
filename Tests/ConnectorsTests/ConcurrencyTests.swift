import Connectors
import Foundation
import Routing
import Simulators
import XCTest

final class ConcurrencyTests: XCTestCase {
    func testAtMostConcurrencyRequestsAreInFlightPerAPI() async throws {
        let h = try Harness(concurrency: 2)
        defer { h.stop() }
        h.growcrm.faults.add(.delay(milliseconds: 400), times: 4)
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 1...4 {
                group.addTask { _ = success(await h.perform(action("growcrm", "get_contact", params: ["id": "2"]))) }
            }
        }
        let elapsed = ContinuousClock.now - started
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(780), "two waves of two")
        let arrivals = h.growcrm.journal().map(\.receivedAt).sorted()
        XCTAssertEqual(arrivals.count, 4)
        XCTAssertLessThan(arrivals[1].timeIntervalSince(arrivals[0]), 0.3, "the first two go together")
        XCTAssertGreaterThanOrEqual(arrivals[2].timeIntervalSince(arrivals[0]), 0.38, "the third waits for a slot")
    }

    func testWaitingPerformsGoFirstComeFirstServed() async throws {
        let h = try Harness(concurrency: 1)
        defer { h.stop() }
        h.growcrm.faults.add(.delay(milliseconds: 200))
        let emails = (1...5).map { "p\($0)@acme.example" }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let remaining = Countdown(emails.count) { continuation.resume() }
            for email in emails {
                let body = #"{"first_name": "P", "last_name": "Q", "email": "\#(email)", "clientid": 1}"#
                h.connectors.perform(action("growcrm", "create_contact", body: body), mode: .fresh) { _, _ in remaining.tick() }
            }
        }
        XCTAssertEqual(h.growcrm.journal().compactMap { bodyJSON($0)?[path: "email"]?.scalarText }, emails)
    }

    func testPerformReturnsAtOnceAndReportsLatency() async throws {
        let h = try Harness(concurrency: 1)
        defer { h.stop() }
        h.roosted.faults.add(.delay(milliseconds: 300), times: 2)
        let results = ResultBox()
        let calledAt = ContinuousClock.now
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let remaining = Countdown(2) { continuation.resume() }
            for name in ["A", "B"] {
                h.connectors.perform(action("roosted", "create_client", body: #"{"client_name": "\#(name)"}"#), mode: .fresh) { outcome, latency in
                    results.add(outcome, latency)
                    remaining.tick()
                }
            }
            XCTAssertLessThan(ContinuousClock.now - calledAt, .milliseconds(100), "perform never waits for the API or a slot")
        }
        let all = results.all
        XCTAssertEqual(all.count, 2)
        for (outcome, latency) in all {
            XCTAssertEqual(success(outcome)?.status, 201)
            XCTAssertGreaterThanOrEqual(latency, 290)
            XCTAssertLessThan(latency, 1000, "latency counts from admission, not from the wait for a slot")
        }
    }
}
