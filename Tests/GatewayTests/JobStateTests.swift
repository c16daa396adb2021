@testable import Gateway
import Routing
import XCTest

/// When an attempt's outcome is unknown the next one looks the record up before creating
/// it; these pin down when the gateway may stop doing that (only once the step succeeded).
final class JobStateTests: XCTestCase {
    private func job() -> JobState {
        let plan = JobPlan(id: "j", rule: "r", key: nil,
                           actions: [ActionTemplate(name: "a", api: "luminous", operation: "create_contact")], notify: [])
        return JobState(plan: plan, eventOffset: 0, source: "s", eventID: "e", dueAt: 0)
    }

    private func finished(_ attempt: Int, status: Int?, _ outcome: AttemptFinished.Outcome) -> AttemptFinished {
        AttemptFinished(jobID: "j", step: 0, attempt: attempt, at: Int64(attempt) * 10 + 5, latencyMs: 1, status: status, outcome: outcome)
    }

    func testAnAttemptThatNeverFinishedMakesTheOutcomeUnknownUntilSuccess() {
        var j = job()
        j.started(AttemptStarted(jobID: "j", step: 0, attempt: 1, at: 10))
        // The process died here; the next start finds the first still in flight.
        j.started(AttemptStarted(jobID: "j", step: 0, attempt: 2, at: 20))
        XCTAssertTrue(j.outcomeUnknown)
        XCTAssertEqual(j.lastAttemptAt, 20)
        // Its look-up got a 503: still unknown whether attempt 1 created the record.
        j.finished(finished(2, status: 503, .retrying(error: "503", nextAttemptAt: 30)))
        XCTAssertTrue(j.outcomeUnknown, "a failed look-up must not forget the unknown outcome")
        j.started(AttemptStarted(jobID: "j", step: 0, attempt: 3, at: 30))
        j.finished(finished(3, status: 201, .succeeded(result: .object([:]), note: nil)))
        XCTAssertFalse(j.outcomeUnknown)
        XCTAssertEqual(j.status, .succeeded)
    }

    func testATimeoutStaysUnknownThroughLaterHTTPErrors() {
        var j = job()
        j.started(AttemptStarted(jobID: "j", step: 0, attempt: 1, at: 10))
        j.finished(finished(1, status: nil, .retrying(error: "timed out", nextAttemptAt: 20)))
        XCTAssertTrue(j.outcomeUnknown)
        j.started(AttemptStarted(jobID: "j", step: 0, attempt: 2, at: 20))
        j.finished(finished(2, status: 502, .retrying(error: "bad gateway", nextAttemptAt: 30)))
        XCTAssertTrue(j.outcomeUnknown)
    }

    /// A 500, 502 or 504 may come after the API applied the request (a proxy gave up, or the
    /// error came after the write): the next attempt of a create must look it up first.
    func testAmbiguousServerErrorsMakeTheOutcomeUnknown() {
        for status in [500, 502, 504] {
            var j = job()
            j.started(AttemptStarted(jobID: "j", step: 0, attempt: 1, at: 10))
            j.finished(finished(1, status: status, .retrying(error: "\(status)", nextAttemptAt: 20)))
            XCTAssertTrue(j.outcomeUnknown, "\(status)")
        }
    }

    /// The last attempt before a job dies or fails may also have landed; a re-drive starts
    /// the job again from that state, so it must look the record up before creating it.
    func testALastAttemptThatMayHaveLandedStaysUnknownThroughARedrive() {
        let endings: [(Int?, AttemptFinished.Outcome, Bool)] = [
            (nil, .dead(error: "gave up after 1 attempt(s): timed out"), true),
            (504, .dead(error: "gave up"), true),
            (500, .failed(error: "500"), true),
            (503, .dead(error: "gave up"), false),
            (422, .failed(error: "invalid"), false),
        ]
        for (status, outcome, unknown) in endings {
            var j = job()
            j.started(AttemptStarted(jobID: "j", step: 0, attempt: 1, at: 10))
            j.finished(finished(1, status: status, outcome))
            j.requeued(JobRequeued(jobID: "j", at: 50, reason: "redrive"))
            XCTAssertEqual(j.status, .pending)
            XCTAssertEqual(j.outcomeUnknown, unknown, "\(String(describing: status)) \(outcome)")
        }
    }

    /// A job whose step is past its last action (a damaged snapshot's) ignores an outcome for
    /// that step: it indexed past the actions and trapped, on every start.
    func testAnOutcomeForAStepPastTheLastActionIsIgnored() {
        var j = job()
        j.started(AttemptStarted(jobID: "j", step: 0, attempt: 1, at: 10))
        j.finished(finished(1, status: 201, .succeeded(result: .object([:]), note: nil)))
        XCTAssertEqual(j.step, 1)
        j.finished(AttemptFinished(jobID: "j", step: 1, attempt: 1, at: 30, latencyMs: 1, status: 201,
                                   outcome: .succeeded(result: .object([:]), note: nil)))
        XCTAssertEqual(j.step, 1)
        XCTAssertEqual(j.status, .succeeded)
    }

    func testADefiniteErrorOnAFreshAttemptIsNotUnknown() {
        var j = job()
        j.started(AttemptStarted(jobID: "j", step: 0, attempt: 1, at: 10))
        j.finished(finished(1, status: 503, .retrying(error: "503", nextAttemptAt: 20)))
        XCTAssertFalse(j.outcomeUnknown)
    }
}
