import XCTest
@testable import EventLog

/// The status page's sync figures: percentiles over the recent window, and the stalls since
/// open, which must outlive the window (they explain a tail seen by clients minutes ago).
final class LatencyRingTests: XCTestCase {
    func testPercentilesForgetOldSamplesButStallsAreKept() {
        var ring = LatencyRing()
        XCTAssertNil(ring.percentile(0.99))
        ring.add(300)
        ring.add(25_000)
        ring.add(400)
        XCTAssertEqual(ring.percentile(0.99), 25_000)
        XCTAssertEqual(ring.maximum, 25_000)
        XCTAssertEqual(ring.over20ms, 1)
        for _ in 0..<LatencyRing.capacity { ring.add(500) }
        XCTAssertEqual(ring.percentile(0.99), 500, "the window has moved on")
        XCTAssertEqual(ring.maximum, 25_000, "the stall is still reported")
        XCTAssertEqual(ring.over20ms, 1)
        ring.add(20_000)
        XCTAssertEqual(ring.over20ms, 1, "exactly 20 ms is not over")
    }
}
