import Foundation
import Notify
import XCTest

/// One subscriber that never answers must not slow another.
final class IsolationTests: XCTestCase {
    func testSlowSubscriberDoesNotDelayOthers() throws {
        let dead = try ScriptedSink { _, _ in .never }
        let fast = try ScriptedSink()
        defer { dead.stop(); fast.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([
            Harness.subscriber("a-slow", url: dead.url) { $0.timeoutSeconds = 20; $0.concurrency = 2 },
            Harness.subscriber("b-fast", url: fast.url),
        ], journal: journal)
        notifier.start()
        defer { notifier.stop(graceSeconds: 0.1) }
        let started = Date()
        for _ in 0..<50 { notifier.publish(Harness.notification()) }
        XCTAssertTrue(Harness.wait(5) { fast.count == 50 })
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertLessThan(elapsed, 2.0, "the fast subscriber waited on the slow one")
        XCTAssertEqual(journal.state().subscribers["b-fast"]?.counts.delivered, 50)
        XCTAssertLessThanOrEqual(dead.count, 2, "the slow subscriber has two workers, each stuck on one request")
        XCTAssertEqual(journal.state().subscribers["a-slow"]?.counts.delivered ?? 0, 0)
    }
}
