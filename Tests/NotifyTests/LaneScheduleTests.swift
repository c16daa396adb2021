@testable import Notify
import XCTest

/// The scheduler's decisions on a fake clock: back-off, circuit, disabling, rate limit.
final class LaneScheduleTests: XCTestCase {
    private let t0: Int64 = 1_000_000

    private func schedule(_ configure: (inout SubscriberConfig) -> Void = { _ in }) -> LaneSchedule {
        var config = SubscriberConfig(id: "s", url: "http://example.test/", types: ["*"],
                                      retryScheduleSeconds: [0, 10, 10, 10, 10], jitter: 0)
        configure(&config)
        return LaneSchedule(subscriberID: "s", policy: DeliveryPolicy(config), now: t0)
    }

    private func admit(_ s: inout LaneSchedule, _ ids: [String], due: Int64) {
        for id in ids { s.admit(OpenDelivery(id: id, body: [], attempts: 0, roundAttempts: 0, dueAt: due)) }
    }

    private func take(_ s: inout LaneSchedule, at now: Int64, limit: Int = 16) -> [OpenDelivery] {
        if case .work(let batch) = s.take(now: now, limit: limit, workers: 1, after: nil) { return batch }
        return []
    }

    private func waitUntil(_ s: inout LaneSchedule, at now: Int64) -> Int64?? {
        if case .wait(let until) = s.take(now: now, limit: 16, workers: 1, after: nil) { return .some(until) }
        return nil
    }

    private func fail(status: Int = 500, retryAfter: Double? = nil) -> AttemptVerdict {
        AttemptVerdict(kind: .retry(error: "HTTP \(status)", retryAfterSeconds: retryAfter,
                                    throttled: AttemptVerdict.throttlingStatuses.contains(status)),
                       status: status, latencyMs: 1)
    }

    private let ok = AttemptVerdict(kind: .delivered, status: 200, latencyMs: 1)

    /// An operator's redelivery admitted while a worker runs the same delivery was dropped:
    /// the journal said pending and nothing sent it until a restart. It is taken up once the
    /// running attempt completes, whatever that attempt's outcome.
    func testARedeliveryAdmittedDuringAnAttemptRunsAfterIt() {
        for verdict in [ok, fail()] {
            var s = schedule()
            admit(&s, ["a"], due: t0)
            let a = take(&s, at: t0)[0]
            s.admit(OpenDelivery(id: "a", body: [], attempts: 1, roundAttempts: 0, dueAt: t0 + 1))
            let (_, retry) = s.complete(a, verdict, now: t0 + 2)
            if retry { s.requeue(["a"]) }
            let next = take(&s, at: t0 + 3)
            XCTAssertEqual(next.map(\.id), ["a"], "\(verdict)")
            XCTAssertEqual(next.first?.roundAttempts, 1, "a fresh round: \(verdict)")
        }
    }

    func testThrottlingPausesTheWholeSubscriber() {
        var s = schedule()
        admit(&s, ["a", "b"], due: t0)
        let a = take(&s, at: t0, limit: 1)[0]
        let (events, retry) = s.complete(a, fail(status: 503), now: t0 + 5)
        XCTAssertTrue(retry)
        XCTAssertEqual(events.count, 1)
        guard case .attemptFinished(_, 1, _, 503, _, .retrying(_, let next)) = events[0] else { return XCTFail("\(events)") }
        XCTAssertEqual(next, t0 + 5 + 10_000)
        // "b" is due, but the subscriber said it is overloaded: nothing until the pause ends.
        XCTAssertEqual(waitUntil(&s, at: t0 + 10), .some(t0 + 5 + 10_000))
        XCTAssertEqual(s.holdReason(now: t0 + 10), "subscriber asked to back off")
    }

    func testRetryAfterSetsThePauseAndTheRetry() {
        var s = schedule()
        admit(&s, ["a", "b"], due: t0)
        let a = take(&s, at: t0, limit: 1)[0]
        let (events, _) = s.complete(a, fail(status: 429, retryAfter: 120), now: t0)
        guard case .attemptFinished(_, _, _, _, _, .retrying(_, let next)) = events[0] else { return XCTFail() }
        XCTAssertEqual(next, t0 + 120_000)
        XCTAssertEqual(waitUntil(&s, at: t0 + 1), .some(t0 + 120_000))
        // A plain 500 with Retry-After delays that delivery but pauses nobody else.
        var other = schedule()
        admit(&other, ["a", "b"], due: t0)
        let first = take(&other, at: t0, limit: 1)[0]
        _ = other.complete(first, fail(status: 500, retryAfter: 60), now: t0)
        other.requeue([first.id])
        XCTAssertEqual(take(&other, at: t0 + 1).map(\.id), ["b"])
    }

    /// A run of failures ends when the subscriber's last open delivery is given up: a lone
    /// failure days later, after nothing was sent in between, does not disable it as if it had
    /// been failing all along. The fold agrees, so a restart does not bring the old run back.
    func testAFailureAfterAnIdleSpellStartsANewRun() {
        var s = schedule { $0.retryScheduleSeconds = [0, 1]; $0.disableAfterFailingSeconds = 60; $0.maxConsecutiveFailures = 100 }
        var fold = DeliveryState()
        func record(_ events: [DeliveryEvent]) { for e in events { fold.apply(e) } }
        record([.planned(deliveryID: "a", subscriberID: "s", notification: Notification(type: "t", timestamp: 0, data: .null), at: t0)])
        admit(&s, ["a"], due: t0)
        var a = take(&s, at: t0)[0]
        record([.attemptStarted(deliveryID: "a", attempt: 1, at: t0)])
        record(s.complete(a, fail(), now: t0).events)
        s.requeue(["a"])
        a = take(&s, at: t0 + 1_000)[0]
        record([.attemptStarted(deliveryID: "a", attempt: 2, at: t0 + 1_000)])
        let died = s.complete(a, fail(), now: t0 + 1_000).events
        guard case .attemptFinished(_, _, _, _, _, .dead)? = died.first else { return XCTFail("\(died)") }
        record(died)
        XCTAssertNil(s.failingSince, "nothing left to try: the run is over")
        XCTAssertNil(fold.subscribers["s"]?.failingSince, "the fold agrees")

        // An hour later (past the 60 s limit) one new delivery fails once.
        let later = t0 + 3_600_000
        record([.planned(deliveryID: "b", subscriberID: "s", notification: Notification(type: "t", timestamp: 0, data: .null), at: later)])
        admit(&s, ["b"], due: later)
        let b = take(&s, at: later)[0]
        let events = s.complete(b, fail(), now: later).events
        XCTAssertFalse(s.disabled, "one failure after an idle hour disabled the subscriber: \(events)")
        XCTAssertFalse(events.contains { if case .subscriberDisabled = $0 { return true } else { return false } })
        XCTAssertEqual(s.failingSince, later)
    }

    /// After a failure the subscriber gets one request at a time in all: a second taker (a
    /// free connection slot, another worker) waits while the one under way runs.
    func testAfterAFailureOneRequestAtATimeAcrossTakers() {
        var s = schedule { $0.retryScheduleSeconds = [0, 0, 0]; $0.maxConsecutiveFailures = 100 }
        admit(&s, ["a", "b", "c"], due: t0)
        let a = take(&s, at: t0, limit: 1)[0]
        _ = s.complete(a, fail(), now: t0)
        s.requeue([a.id])
        let first = take(&s, at: t0 + 1, limit: 1)
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(take(&s, at: t0 + 1, limit: 1).count, 0, "a second taker got one while the first was under way")
        _ = s.complete(first[0], ok, now: t0 + 2)
        XCTAssertEqual(take(&s, at: t0 + 3, limit: 2).count, 2, "healthy again: as many as asked")
    }

    func testCircuitOpensProbesOnceAndCloses() {
        var s = schedule { $0.maxConsecutiveFailures = 2; $0.circuitOpenSeconds = 30; $0.retryScheduleSeconds = [0, 0, 0, 0, 0] }
        admit(&s, ["a", "b", "c"], due: t0)
        var events: [DeliveryEvent] = []
        for _ in 0..<2 {
            let d = take(&s, at: t0, limit: 1)[0]
            let (e, _) = s.complete(d, fail(), now: t0)
            s.requeue([d.id])
            events += e
        }
        XCTAssertEqual(events.last, .circuitOpened(subscriberID: "s", at: t0, until: t0 + 30_000))
        XCTAssertEqual(waitUntil(&s, at: t0 + 1), .some(t0 + 30_000))
        let probe = take(&s, at: t0 + 30_000)
        XCTAssertEqual(probe.count, 1, "half-open sends exactly one probe")
        XCTAssertEqual(waitUntil(&s, at: t0 + 30_001), .some(nil), "no second request while the probe is out")
        let (closing, _) = s.complete(probe[0], ok, now: t0 + 30_002)
        XCTAssertEqual(closing.last, .circuitClosed(subscriberID: "s", at: t0 + 30_002))
        XCTAssertEqual(take(&s, at: t0 + 30_003).count, 2, "closed: the rest flow again")
    }

    func testFailedProbeReopens() {
        var s = schedule { $0.maxConsecutiveFailures = 1; $0.circuitOpenSeconds = 10 }
        admit(&s, ["a"], due: t0)
        let d = take(&s, at: t0)[0]
        _ = s.complete(d, fail(), now: t0)
        s.requeue([d.id])
        let probe = take(&s, at: t0 + 10_000)
        XCTAssertEqual(probe.map(\.id), ["a"])
        let (events, _) = s.complete(probe[0], fail(), now: t0 + 10_000)
        XCTAssertEqual(events.last, .circuitOpened(subscriberID: "s", at: t0 + 10_000, until: t0 + 20_000))
    }

    func testGoneDisablesAndDeadWhenScheduleRunsOut() {
        var s = schedule { $0.retryScheduleSeconds = [0, 1] }
        admit(&s, ["a"], due: t0)
        let a = take(&s, at: t0, limit: 1)[0]
        _ = s.complete(a, fail(), now: t0)
        s.requeue([a.id])
        let again = take(&s, at: t0 + 1000, limit: 1)[0]
        XCTAssertEqual(again.roundAttempts, 2)
        let (dead, retry) = s.complete(again, fail(), now: t0 + 1000)
        XCTAssertFalse(retry)
        guard case .attemptFinished(_, 2, _, _, _, .dead(let error)) = dead[0] else { return XCTFail("\(dead)") }
        XCTAssertEqual(error, "gave up after 2 attempt(s): HTTP 500")

        admit(&s, ["b"], due: t0 + 1000)
        let b = take(&s, at: t0 + 1000)[0]
        let gone = AttemptVerdict(kind: .gone(error: "HTTP 410 Gone"), status: 410, latencyMs: 1)
        let (events, _) = s.complete(b, gone, now: t0 + 1001)
        XCTAssertEqual(events.last, .subscriberDisabled(subscriberID: "s", reason: "answered 410 Gone", at: t0 + 1001))
        XCTAssertEqual(s.reserve("new"), .disabled)
        admit(&s, ["later"], due: t0)
        XCTAssertEqual(waitUntil(&s, at: t0 + 2000), .some(nil))
        s.enable()
        XCTAssertEqual(take(&s, at: t0 + 2000).map(\.id), ["later"])
    }

    func testFailingTooLongDisables() {
        var s = schedule { $0.disableAfterFailingSeconds = 60; $0.retryScheduleSeconds = Array(repeating: 0, count: 10) }
        admit(&s, ["a"], due: t0)
        var last: [DeliveryEvent] = []
        for now in [t0, t0 + 30_000, t0 + 60_000] {
            let d = take(&s, at: now)[0]
            (last, _) = s.complete(d, fail(), now: now)
            s.requeue([d.id])
        }
        XCTAssertEqual(last.last, .subscriberDisabled(subscriberID: "s", reason: "failing without a success since 1970-01-01T00:16:40.000Z",
                                                      at: t0 + 60_000))
    }

    func testRateLimitHandsOutTokens() {
        var s = schedule { $0.rateLimitPerSecond = 2 }
        admit(&s, ["a", "b", "c", "d"], due: t0)
        XCTAssertEqual(take(&s, at: t0).count, 2)
        XCTAssertEqual(waitUntil(&s, at: t0), .some(t0 + 500))
        XCTAssertEqual(take(&s, at: t0 + 500).count, 1)
        XCTAssertEqual(take(&s, at: t0 + 1000).count, 1)
    }

    func testGiveBackRecordsNotSentAndRequeues() {
        var s = schedule()
        admit(&s, ["a", "b"], due: t0)
        let batch = take(&s, at: t0)
        XCTAssertEqual(batch.map(\.attempts), [1, 1])
        let events = s.giveBack(batch[1...], reason: "circuit open", now: t0 + 7)
        XCTAssertEqual(events, [.attemptFinished(deliveryID: batch[1].id, attempt: 1, at: t0 + 7, status: nil, latencyMs: 0,
                                                 outcome: .notSent(reason: "circuit open", nextAt: t0 + 7))])
        XCTAssertTrue(take(&s, at: t0 + 8).isEmpty, "not due again until requeued (its outcome first)")
        s.requeue([batch[1].id])
        let again = take(&s, at: t0 + 8)
        XCTAssertEqual(again.map(\.id), [batch[1].id])
        XCTAssertEqual(again.first?.attempts, 1, "the unsent attempt was not counted")
    }

    func testOnlyIdleWorkersAreWoken() {
        var s = schedule()
        XCTAssertEqual(s.wakeups(for: 5), 0, "nobody waits yet")
        _ = s.take(now: t0, limit: 1, workers: 2, after: nil)   // worker 1 waits
        _ = s.take(now: t0, limit: 1, workers: 2, after: nil)   // worker 2 waits
        XCTAssertEqual(s.wakeups(for: 1), 1)
        XCTAssertEqual(s.wakeups(for: 5), 1, "one already signalled")
        XCTAssertEqual(s.wakeups(for: 5), 0)
        admit(&s, ["a"], due: t0)
        if case .work(let batch) = s.take(now: t0, limit: 1, workers: 2, after: .signalled) {
            XCTAssertEqual(batch.count, 1)
        } else { XCTFail() }
    }
}
