import Foundation
import Notify
import XCTest

/// A subscriber's token bucket: a burst of one second's worth, then the configured rate.
final class RateLimitTests: XCTestCase {
    func testRateLimitSpreadsDeliveries() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url) { $0.rateLimitPerSecond = 20 }], journal: journal)
        for _ in 0..<50 { notifier.publish(Harness.notification()) }
        notifier.start()
        defer { notifier.stop() }
        XCTAssertTrue(Harness.wait(5) { sink.count == 50 })
        let times = sink.requests.map(\.at).sorted()
        let first = times[0]
        // 20 at once, then 20 a second: the 50th no sooner than 1.5 s after the first.
        XCTAssertGreaterThanOrEqual(times[49] - first, 1400)
        XCTAssertLessThanOrEqual(times.filter { $0 - first < 500 }.count, 32)
        XCTAssertLessThan(times[49] - first, 3000)
    }

    func testWithoutALimitTheSameLoadIsFast() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let notifier = Harness.notifier([Harness.subscriber("crm", url: sink.url)], journal: journal)
        for _ in 0..<50 { notifier.publish(Harness.notification()) }
        notifier.start()
        defer { notifier.stop() }
        XCTAssertTrue(Harness.wait(5) { sink.count == 50 })
        let times = sink.requests.map(\.at).sorted()
        XCTAssertLessThan(times[49] - times[0], 1200, "unlimited, 50 deliveries should take nowhere near the limited 1.5 s")
    }
}
