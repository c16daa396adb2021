import Foundation
@testable import Gateway
import Routing
import Simulators
import TestSupport
import XCTest

/// The action scheduler runs a job once at a time, however many paths admit it.
final class SchedulingTests: XCTestCase {
    /// An attempt's start is recorded when its API's slot is granted, just before it sends:
    /// a job queued behind a slow request records the time it went out, which a crash's
    /// look-up waits from. Before, the start was recorded when it began queueing.
    func testAnAttemptsStartIsRecordedWhenItsRequestLeaves() throws {
        let h = try ActionHarness()
        h.growcrmConcurrency = 1
        h.fleet.growcrm.faults.add(.delay(milliseconds: 1500), times: 1, method: "POST", pathPrefix: "/api/contacts")
        try h.start()
        for n in 0..<2 {
            let contact = #"{"email":"slot\#(n)@example.com","first_name":"S","last_name":"L\#(n)","is_primary":false}"#
            XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, id: "msg_slot_\(n)", mode: "test"), 200)
        }
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy(\.isFinished) }, "\(h.jobs().map { ($0.rule, $0.status) })")
        var starts: [Int64] = []
        try XCTUnwrap(h.gateway).store.log.read(from: 0) { record in
            if case .attemptStarted(let s) = try LogEvent.decode(record.payload) { starts.append(s.at) }
            return true
        }
        XCTAssertEqual(starts.count, 2)
        XCTAssertGreaterThanOrEqual(starts.max()! - starts.min()!, 1400, "the second start was recorded while it waited for the slot")
    }

    /// After a restart open jobs queue for their ordering keys in the order they were
    /// planned: rule 2 of an event before its rule 10 (as text, "job_5_10" sorts first).
    func testResumedJobsKeepTheirRulesOrderPastNine() {
        func job(_ id: String, offset: UInt64) -> JobState {
            JobState(plan: JobPlan(id: id, rule: id, key: "k", actions: [], notify: []), eventOffset: offset, source: "s", eventID: "e", dueAt: 0)
        }
        let jobs = [job("job_5_10", offset: 5), job("job_5_2", offset: 5), job("job_5_2_remap77", offset: 5), job("job_3_11", offset: 3)]
        XCTAssertEqual(jobs.sorted(by: ActionEngine.plannedBefore).map(\.plan.id), ["job_3_11", "job_5_2", "job_5_10", "job_5_2_remap77"])
    }

    /// An outcome too large for the log is recorded cut down (it was retried for ever, the
    /// job running and its key held): the result keeps the record's id, errors 4 KiB; and
    /// cutting stops, so recording cannot loop.
    func testAnOutcomeTooLargeForTheLogIsCutDownOnce() throws {
        let huge = JSONValue.object(["id": .int(42), "blob": .string(String(repeating: "x", count: 5_000_000))])
        let cut = try XCTUnwrap(ActionEngine.shrunk(.succeeded(result: huge, note: nil)))
        guard case .succeeded(let result, _) = cut else { return XCTFail("\(cut)") }
        XCTAssertEqual(result[path: "id"], .int(42))
        XCTAssertLessThan(result.serialized().count, 200)
        XCTAssertNil(ActionEngine.shrunk(cut), "a cut outcome is cut again")
        let long = try XCTUnwrap(ActionEngine.shrunk(.dead(error: String(repeating: "e", count: 10_000))))
        guard case .dead(let error) = long else { return XCTFail("\(long)") }
        XCTAssertLessThanOrEqual(error.utf8.count, 4096 + 3)
        XCTAssertNil(ActionEngine.shrunk(.failed(error: "short")))
    }

    func testKeyWaitersKeepArrivalOrderOnceEach() {
        var waiters = KeyWaiters()
        XCTAssertNil(waiters.removeFirst())
        for n in 0..<200 { waiters.append("j\(n)") }
        waiters.append("j5")  // already waiting: not queued twice
        for n in 0..<150 { XCTAssertEqual(waiters.removeFirst(), "j\(n)") }
        waiters.append("j0")  // taken before: may wait again, at the back
        for n in 150..<200 { XCTAssertEqual(waiters.removeFirst(), "j\(n)") }
        XCTAssertEqual(waiters.removeFirst(), "j0")
        XCTAssertTrue(waiters.isEmpty)
    }

    func testAnIdPushedTwiceIsQueuedOnceAtItsLatestTime() {
        var queue = DueQueue()
        queue.push("a", due: 10)
        queue.push("b", due: 20)
        queue.push("a", due: 30)
        XCTAssertEqual(queue.count, 2)
        XCTAssertEqual(queue.nextDue, 20, "a's first time was replaced")
        XCTAssertEqual(queue.popDue(now: 25), ["b"])
        XCTAssertEqual(queue.popDue(now: 100), ["a"])
        XCTAssertEqual(queue.popDue(now: 1000), [])
        XCTAssertNil(queue.nextDue)
        queue.push("a", due: 5)
        queue.push("a", due: 5)
        XCTAssertEqual(queue.popDue(now: 5), ["a"], "once, not twice")
    }

    /// An event routed a second time (the sweep read it as unrouted just before the first
    /// routing was folded) plans nothing more: before, its open jobs were admitted twice and
    /// each ran twice, two creates for one contact.
    func testAnEventRoutedTwiceRunsItsJobsOnce() throws {
        let h = try ActionHarness()
        // Slow creates keep the first routing's jobs open while the second one comes.
        h.fleet.growcrm.faults.add(.delay(milliseconds: 300), times: 4, method: "POST", pathPrefix: "/api/contacts")
        try h.start()
        let ada = #"{"email":"twice@example.com","first_name":"Ada","last_name":"Twice","is_primary":false}"#
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, id: "msg_twice", mode: "test"), 200)
        let gateway = try XCTUnwrap(h.gateway)
        XCTAssertTrue(h.eventually { gateway.store.read { !$0.jobs.isEmpty } })
        let offset = try XCTUnwrap(gateway.store.read { $0.receivedOffset(of: DedupeKey(source: "yunojuno", eventID: "msg_twice")) })
        guard case .received(let stored)? = try gateway.store.record(at: offset) else { return XCTFail("no record") }
        gateway.engine.route(stored, offset: offset)
        XCTAssertTrue(h.eventually { !h.jobs().isEmpty && h.jobs().allSatisfy(\.isFinished) }, "\(h.jobs().map { ($0.rule, $0.status) })")
        usleep(700_000)
        let creates = h.fleet.growcrm.journal().filter { $0.method == "POST" && $0.path == "/api/contacts" }
        XCTAssertEqual(creates.count, 1, "the contact was created \(creates.count) times")
        // The second routing wrote nothing: its record, ignored by the fold, used to admit the
        // open jobs again.
        var routings = 0
        try gateway.store.log.read(from: offset) { record in
            if case .routed(let r) = try LogEvent.decode(record.payload), r.eventOffset == offset { routings += 1 }
            return true
        }
        XCTAssertEqual(routings, 1)
    }
}
