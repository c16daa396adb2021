import Foundation
@testable import Gateway
import XCTest

/// The pieces behind the operator endpoints, without a server: the per-minute ring, query
/// parsing, derived event states, route matching and the exposition writer.
final class OperatorUnitTests: XCTestCase {
    func testRateHistoryKeepsTheLastHourPerMinute() {
        let history = RateHistory()
        let now: Int64 = 1_800_000_000_000  // a minute boundary is irrelevant: buckets are by unix minute
        history.add(.accepted, at: now)
        history.add(.accepted, at: now, count: 2)
        history.add(.succeeded, at: now - 60_000)
        history.add(.failed, at: now - 59 * 60_000)
        history.add(.failed, at: now - 60 * 60_000)  // one hour ago: outside the window
        var series = history.series(now: now)
        XCTAssertEqual(series.count, 60)
        XCTAssertEqual(series.last?.accepted, 3)
        XCTAssertEqual(series[58].succeeded, 1)
        XCTAssertEqual(series.first?.failed, 1)
        XCTAssertEqual(series.map(\.failed).reduce(0, +), 1)
        XCTAssertEqual(series.map(\.minute), (0..<60).map { now / 60_000 - 59 + Int64($0) })

        // An hour later the old minutes are gone, and a stale record does not resurrect them.
        let later = now + 60 * 60_000
        history.add(.accepted, at: later)
        history.add(.accepted, at: now)  // its slot now belongs to `later`'s minute
        series = history.series(now: later)
        XCTAssertEqual(series.map(\.accepted).reduce(0, +), 1)
        XCTAssertEqual(series.last?.accepted, 1)
        XCTAssertEqual(series.map(\.succeeded).reduce(0, +), 0)
    }

    func testEventStateIsTheWorstOfItsJobs() {
        XCTAssertEqual(EventState.derive(routed: false, jobs: []), .received)
        XCTAssertEqual(EventState.derive(routed: true, jobs: []), .received)
        XCTAssertEqual(EventState.derive(routed: true, jobs: [.succeeded, .succeeded]), .succeeded)
        XCTAssertEqual(EventState.derive(routed: true, jobs: [.succeeded, .inFlight]), .pending)
        XCTAssertEqual(EventState.derive(routed: true, jobs: [.pending, .failed]), .failed)
        XCTAssertEqual(EventState.derive(routed: true, jobs: [.failed, .dead, .succeeded]), .dead)
    }

    func testSearchQueryParsing() throws {
        let q = try EventSearchQuery(parsing: ["source": "yunojuno", "type": "a.b", "state": "dead", "since": "1700000000",
                                               "until": "2023-11-14T22:13:20.500Z", "limit": "7", "before": "42"])
        XCTAssertEqual(q.source, "yunojuno")
        XCTAssertEqual(q.type, "a.b")
        XCTAssertEqual(q.state, .dead)
        XCTAssertEqual(q.since, 1_700_000_000_000)
        XCTAssertEqual(q.until, 1_700_000_000_500)
        XCTAssertEqual(q.limit, 7)
        XCTAssertEqual(q.before, 42)
        XCTAssertEqual(try EventSearchQuery(parsing: ["since": "2023-11-14T22:13:20Z"]).since, 1_700_000_000_000)
        XCTAssertEqual(try EventSearchQuery(parsing: [:]).limit, 50)
        XCTAssertEqual(try EventSearchQuery(parsing: ["limit": "501"]).limit, 500)
        for bad: [String: String] in [["state": "ok"], ["limit": "-1"], ["since": "soon"], ["sorce": "x"], ["before": "-3"]] {
            XCTAssertThrowsError(try EventSearchQuery(parsing: bad), "\(bad)")
        }
        XCTAssertTrue(q.matches(source: "yunojuno", type: "a.b", receivedAt: 1_700_000_000_100))
        XCTAssertFalse(q.matches(source: "yunojuno", type: "a.b", receivedAt: 1_700_000_000_501))
        XCTAssertFalse(q.matches(source: "form", type: "a.b", receivedAt: 1_700_000_000_100))
        XCTAssertFalse(q.matches(source: "yunojuno", type: nil, receivedAt: 1_700_000_000_100))
    }

    func testRoutePatternsMatchWholeSegments() {
        let event = OperatorRoute("GET", "/events/{id}", .event, isOperator: true)
        XCTAssertEqual(event.match("/events/abc")?["id"], "abc")
        XCTAssertNil(event.match("/events/"))
        XCTAssertNil(event.match("/events"))
        XCTAssertNil(event.match("/events/a/b"))
        XCTAssertNil(event.match("/eventsx/a"))
        let status = OperatorRoute("GET", "/status", .status, isOperator: true)
        XCTAssertNotNil(status.match("/status"))
        XCTAssertNil(status.match("/status/"))
        XCTAssertNil(status.match("/status.html"))
    }

    func testAcceptHeaderPicksTheStatusPage() {
        XCTAssertTrue(OperatorRouter.wantsHTML("text/html,application/xhtml+xml,*/*;q=0.8"))
        XCTAssertFalse(OperatorRouter.wantsHTML("*/*"))
        XCTAssertFalse(OperatorRouter.wantsHTML(nil))
        XCTAssertFalse(OperatorRouter.wantsHTML("application/json, text/html"))
        XCTAssertTrue(OperatorRouter.wantsHTML("TEXT/HTML"))
    }

    func testExpositionWriterFormatsAndEscapes() throws {
        var out = PrometheusText()
        out.family("x_total", .counter, "Help with a \\ and\na newline.", [.init([("a", "q\"uo\\te\nd")], 3), .init([("a", "b")], 0.25)])
        out.family("y", .gauge, "A gauge.", 7)
        XCTAssertEqual(out.text, """
        # HELP x_total Help with a \\\\ and\\na newline.
        # TYPE x_total counter
        x_total{a="q\\"uo\\\\te\\nd"} 3
        x_total{a="b"} 0.25
        # HELP y A gauge.
        # TYPE y gauge
        y 7

        """)
        let parsed = try Exposition.parse(out.text)
        XCTAssertEqual(parsed.samples.first?.labels["a"], "q\"uo\\te\nd", "the reader undoes the writer's escapes")
        XCTAssertThrowsError(try Exposition.parse("x{a=\"b} 1\n"), "the test's reader refuses broken lines")
        XCTAssertThrowsError(try Exposition.parse("# TYPE x counter\nx{a=\"b\"} one\n"))
        XCTAssertThrowsError(try Exposition.parse("y 1\n"), "a sample needs its TYPE first")
    }
}

final class OperatorJobIDTests: XCTestCase {
    func testOnlyTheRoutersOwnFormCountsAsARoutedJob() {
        XCTAssertTrue(EventIndex.isRoutedJobID("job_1234_0", eventOffset: 1234))
        XCTAssertTrue(EventIndex.isRoutedJobID("job_0_12", eventOffset: 0))
        XCTAssertFalse(EventIndex.isRoutedJobID("job_1234_0", eventOffset: 123))
        XCTAssertFalse(EventIndex.isRoutedJobID("job_1234_0_remap1700000000000", eventOffset: 1234))
        XCTAssertFalse(EventIndex.isRoutedJobID("job_1234_", eventOffset: 1234))
        XCTAssertFalse(EventIndex.isRoutedJobID("job__0", eventOffset: 0))
        XCTAssertFalse(EventIndex.isRoutedJobID("task_1234_0", eventOffset: 1234))
        XCTAssertFalse(EventIndex.isRoutedJobID("job_99999999999999999999999_0", eventOffset: 0))
    }
}

final class ReadinessTests: XCTestCase {
    func testReadyOnlyWhenStartedAndTheLogKeepsUp() {
        XCTAssertEqual(Readiness.evaluate(started: false, queueDepth: 0, queueCapacity: 100), .starting)
        XCTAssertEqual(Readiness.evaluate(started: true, queueDepth: 74, queueCapacity: 100), .ready)
        XCTAssertEqual(Readiness.evaluate(started: true, queueDepth: 75, queueCapacity: 100), .overloaded(queued: 75, capacity: 100))
        XCTAssertEqual(Readiness.overloaded(queued: 75, capacity: 100).text, "not ready: log queue 75 of 100 appends")
    }

    /// Large bodies fill the queue's bytes long before its records, and a log whose latest
    /// write failed refuses every webhook: /readyz said "ready" through both.
    func testNotReadyWhenTheQueuesBytesFillOrTheLogFails() {
        XCTAssertEqual(Readiness.evaluate(started: true, queueDepth: 5, queueCapacity: 100, queuedBytes: 200 << 20, queueByteCapacity: 256 << 20),
                       .overloadedBytes(queued: 200 << 20, capacity: 256 << 20))
        XCTAssertEqual(Readiness.evaluate(started: true, queueDepth: 5, queueCapacity: 100, queuedBytes: 100 << 20, queueByteCapacity: 256 << 20), .ready)
        XCTAssertEqual(Readiness.evaluate(started: true, queueDepth: 0, queueCapacity: 100, logFailing: true), .logFailing)
    }
}
