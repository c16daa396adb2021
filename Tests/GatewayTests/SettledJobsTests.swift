@testable import Gateway
import Routing
import Wire
import XCTest

/// Succeeded jobs leave `GatewayState.jobs` for the compact settled table: these check that
/// nothing an operator's view, retention or a snapshot needs is lost on the way.
final class SettledJobsTests: XCTestCase {
    private let crm = [ActionTemplate(name: "crm-contact", api: "growcrm", operation: "create_contact", body: .object(["email": .string("{{ data.email }}")]))]
    private let lum = [ActionTemplate(name: "lum-contact", api: "luminous", operation: "create_contact")]

    func testRoutedJobIDsPackOnlyInTheirCanonicalSpelling() {
        XCTAssertEqual(RoutedJobID("job_123_1")?.eventOffset, 123)
        XCTAssertEqual(RoutedJobID("job_123_1")?.ordinal, 1)
        XCTAssertEqual(RoutedJobID("job_0_0")?.description, "job_0_0")
        for odd in ["job_0123_1", "job_123_01", "job_123_255", "job_123", "job__1", "job_1_2_remap5", "jobs_1_2", "job_99999999999999999999_1", ""] {
            XCTAssertNil(RoutedJobID(odd), odd)
        }
    }

    /// A fold where jobs finish out of event order, one fails first and then succeeds, one
    /// dies, and one remapped job (an id of another form) succeeds.
    private func foldedState() -> GatewayState {
        var state = GatewayState()
        var offset: UInt64 = 0
        func apply(_ event: LogEvent) { state.apply(event, at: offset); offset += 100 }
        var received: [UInt64] = []
        for n in 0..<40 {
            received.append(offset)
            apply(.received(ReceivedEvent(source: "s", eventID: "e\(n)", eventType: "t", receivedAt: 1, signedAt: nil, contentType: nil, body: [])))
        }
        for (n, event) in received.enumerated() {
            apply(.routed(RoutedEvent(eventOffset: event, source: "s", eventID: "e\(n)", jobs: [
                JobPlan(id: "job_\(event)_0", rule: "to-crm", key: nil, actions: crm, notify: []),
                JobPlan(id: "job_\(event)_1", rule: "to-lum", key: nil, actions: lum, notify: []),
            ], routedAt: 2)))
        }
        // Finish in reverse order, so every settle after the first is out of key order.
        for (n, event) in received.enumerated().reversed() {
            for ordinal in 0..<2 {
                let id = "job_\(event)_\(ordinal)"
                apply(.attemptStarted(AttemptStarted(jobID: id, step: 0, attempt: 1, at: 10)))
                if n == 7 && ordinal == 0 {
                    apply(.attemptFinished(AttemptFinished(jobID: id, step: 0, attempt: 1, at: 11, latencyMs: 1, status: 503,
                                                           outcome: .retrying(error: "503 busy", nextAttemptAt: 20))))
                    apply(.attemptStarted(AttemptStarted(jobID: id, step: 0, attempt: 2, at: 20)))
                }
                let outcome: AttemptFinished.Outcome = n == 9 && ordinal == 1 ? .dead(error: "gave up")
                    : .succeeded(result: .object(["id": .int(Int64(n))]), note: nil)
                apply(.attemptFinished(AttemptFinished(jobID: id, step: 0, attempt: 1, at: 30, latencyMs: 1, status: 201, outcome: outcome)))
            }
        }
        apply(.remapped(RoutedEvent(eventOffset: received[3], source: "s", eventID: "e3", jobs: [
            JobPlan(id: "job_\(received[3])_0_remap9", rule: "to-other", key: nil, actions: lum, notify: []),
        ], routedAt: 40)))
        apply(.attemptStarted(AttemptStarted(jobID: "job_\(received[3])_0_remap9", step: 0, attempt: 1, at: 41)))
        apply(.attemptFinished(AttemptFinished(jobID: "job_\(received[3])_0_remap9", step: 0, attempt: 1, at: 42, latencyMs: 1, status: 201,
                                               outcome: .succeeded(result: .null, note: nil))))
        // One job still open: it stays whole, with its results.
        apply(.received(ReceivedEvent(source: "s", eventID: "open", eventType: "t", receivedAt: 1, signedAt: nil, contentType: nil, body: [])))
        let open = offset - 100
        apply(.routed(RoutedEvent(eventOffset: open, source: "s", eventID: "open", jobs: [
            JobPlan(id: "job_\(open)_0", rule: "two-steps", key: "k", actions: crm + lum, notify: []),
        ], routedAt: 50)))
        apply(.attemptStarted(AttemptStarted(jobID: "job_\(open)_0", step: 0, attempt: 1, at: 51)))
        apply(.attemptFinished(AttemptFinished(jobID: "job_\(open)_0", step: 0, attempt: 1, at: 52, latencyMs: 1, status: 201,
                                               outcome: .succeeded(result: .object(["id": .int(7)]), note: nil))))
        return state
    }

    func testSucceededJobsAreSettledAndStillAnswerForThemselves() throws {
        let state = foldedState()
        XCTAssertEqual(state.settledJobCount, 40 * 2 - 1 + 1, "every success settled, the dead one and the open one not")
        XCTAssertEqual(Set(state.jobs.values.map(\.status)), [.dead, .pending])
        let retried = try XCTUnwrap(state.jobSummary("job_700_0"))
        XCTAssertEqual(retried.status, .succeeded)
        XCTAssertEqual(retried.rule, "to-crm")
        XCTAssertEqual(retried.step, 1)
        XCTAssertEqual(retried.lastError, "503 busy", "the error a settled job got past is kept")
        XCTAssertEqual(state.jobSummary("job_900_1")?.status, .dead)
        XCTAssertEqual(state.jobSummary("job_300_0_remap9")?.rule, "to-other")
        XCTAssertEqual(state.jobActions("job_300_0_remap9"), lum)
        XCTAssertNil(state.jobSummary("job_300_2"))
        XCTAssertNil(state.jobSummary("job_4000_0"))
        XCTAssertEqual(state.succeededJobsByAPI, ["growcrm": 40, "luminous": 40])
        XCTAssertEqual(state.settledLastErrors["growcrm"]?.error, "503 busy")
        XCTAssertEqual(state.settledLaterJobs.map(\.id), ["job_300_0_remap9"])
        let open = try XCTUnwrap(state.jobs.values.first { $0.status == .pending })
        XCTAssertEqual(open.step, 1)
        XCTAssertEqual(open.results["crm-contact"], .object(["id": .int(7)]), "an open job keeps its results for its next step")
        // The history of a settled job's event still has its attempts.
        XCTAssertEqual(state.historyOffsets(received: 700).count, 2 + 4 + 2, "received, routed, and both jobs' attempts")
    }

    func testASnapshotCarriesWholeAndSettledJobs() throws {
        let state = foldedState()
        let snapshot = try XCTUnwrap(state.snapshot(lastRecordChecksum: 7))
        let decoded = try StateSnapshot.decode(snapshot.encoded())
        XCTAssertEqual(decoded, snapshot)
        let restored = GatewayState(snapshot: decoded)
        XCTAssertEqual(restored.jobs, state.jobs)
        XCTAssertEqual(restored.openJobs, state.openJobs)
        XCTAssertEqual(restored.allJobSummaries(), state.allJobSummaries())
        XCTAssertEqual(restored.succeededJobsByAPI, state.succeededJobsByAPI)
        XCTAssertEqual(restored.settledLastErrors["growcrm"]?.error, "503 busy", "the newest error per API is found again")
        XCTAssertEqual(restored.jobSummary("job_700_0"), state.jobSummary("job_700_0"))
        XCTAssertEqual(restored.workRecords, [], "no delivery records: nothing to re-read")
        // Damage inside the jobs section is caught even past the checksum.
        var bytes = snapshot.encoded()
        bytes.removeLast(3)
        XCTAssertThrowsError(try StateSnapshot.decode(bytes))
    }

    func testRetentionForgetsSettledJobsOfOldEventsAndCountsThemRetired() {
        var state = foldedState()
        state.apply(.retained(RetentionMark(before: 1000, dedupeFloor: 0, at: 60, subscribers: [:])), at: 100_000)
        XCTAssertNil(state.jobSummary("job_700_0"))
        XCTAssertNil(state.jobSummary("job_300_0_remap9"))
        XCTAssertNotNil(state.jobSummary("job_1000_0"))
        XCTAssertNil(state.settledLastErrors["growcrm"], "the forgotten job's error goes with it")
        XCTAssertEqual(state.retiredJobs[RetiredJobKey(api: "growcrm", status: .succeeded)], 10)
        XCTAssertEqual(state.retiredJobs[RetiredJobKey(api: "luminous", status: .succeeded)], 10, "nine routed and the remapped one")
        XCTAssertEqual(state.retiredJobs[RetiredJobKey(api: "luminous", status: .dead)], 1)
        XCTAssertEqual(state.settledJobCount, 80 - 20)
    }
}
