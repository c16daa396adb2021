@testable import Gateway
import XCTest

/// The one retry policy: waits from the schedule, `Retry-After` when longer, and giving up
/// past the maximum age, without ever trapping on a huge wait.
final class RetryPolicyTests: XCTestCase {
    let policy = RetryPolicy(schedule: [5, 300], maxAgeSeconds: 3600, jitter: 0)

    func testScheduleAndRetryAfter() {
        XCTAssertEqual(policy.nextAttempt(after: 1, firstAttemptAt: 0, now: 1_000, retryAfterSeconds: nil), 6_000)
        XCTAssertEqual(policy.nextAttempt(after: 1, firstAttemptAt: 0, now: 1_000, retryAfterSeconds: 60), 61_000)
        XCTAssertEqual(policy.nextAttempt(after: 1, firstAttemptAt: 0, now: 1_000, retryAfterSeconds: 1), 6_000)
        XCTAssertNil(policy.nextAttempt(after: 3, firstAttemptAt: 0, now: 1_000, retryAfterSeconds: nil), "schedule used up")
    }

    /// A wait past the maximum age gives up at once, however large (it once overflowed).
    func testHugeWaitsGiveUpInsteadOfTrapping() {
        XCTAssertNil(policy.nextAttempt(after: 1, firstAttemptAt: 0, now: 1_000, retryAfterSeconds: 1e16))
        XCTAssertNil(policy.nextAttempt(after: 1, firstAttemptAt: 0, now: 1_000, retryAfterSeconds: .infinity))
        let huge = RetryPolicy(schedule: [1e300], maxAgeSeconds: 3600, jitter: 0.2)
        XCTAssertNil(huge.nextAttempt(after: 1, firstAttemptAt: 0, now: 1_000, retryAfterSeconds: nil))
    }
}
