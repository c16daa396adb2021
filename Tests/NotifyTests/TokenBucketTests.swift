@testable import Notify
import XCTest

/// A subscriber's rate limit refills with time, and a wall clock stepped back does not stop it.
final class TokenBucketTests: XCTestCase {
    func testRefillsAtItsRate() {
        var bucket = TokenBucket(rate: 2, now: 0)
        XCTAssertEqual(bucket.take(5, now: 0), 2, "a burst of one second's worth")
        XCTAssertEqual(bucket.take(1, now: 100), 0)
        XCTAssertEqual(bucket.take(1, now: 500), 1)
    }

    /// The clock stepped back an hour after the bucket emptied: it refilled only once the
    /// clock had caught up again, so the subscriber got nothing for that hour.
    func testAClockSteppedBackDoesNotStallIt() {
        let t: Int64 = 10_000_000
        var bucket = TokenBucket(rate: 1, now: t)
        XCTAssertEqual(bucket.take(1, now: t), 1)
        XCTAssertEqual(bucket.take(1, now: t - 3_600_000), 0)
        XCTAssertEqual(bucket.take(1, now: t - 3_600_000 + 2_000), 1, "still empty two seconds after the step")
    }
}
