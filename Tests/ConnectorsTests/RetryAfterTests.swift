import Foundation
import Routing
import XCTest
@testable import Connectors

final class RetryAfterTests: XCTestCase {
    func testSeconds() {
        XCTAssertEqual(RetryAfter.seconds("7"), 7)
        XCTAssertEqual(RetryAfter.seconds(" 1.5 "), 1.5)
        XCTAssertNil(RetryAfter.seconds("-3"))
        XCTAssertNil(RetryAfter.seconds("soon"))
        XCTAssertNil(RetryAfter.seconds(nil))
    }

    func testHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        XCTAssertEqual(RetryAfter.seconds("Wed, 21 Oct 2015 07:28:30 GMT", now: now), 30)
        XCTAssertEqual(RetryAfter.seconds("Wednesday, 21-Oct-15 07:29:00 GMT", now: now), 60)
        XCTAssertEqual(RetryAfter.seconds("Wed Oct 21 07:28:10 2015", now: now), 10)
        XCTAssertEqual(RetryAfter.seconds("Wed, 21 Oct 2015 07:00:00 GMT", now: now), 0, "a date passed means now")
    }

    /// An API may ask for any wait; past a week it is read as a week, so nothing downstream
    /// converts a number like 1e16 seconds into milliseconds (that trapped).
    func testHugeAsksAreCapped() {
        XCTAssertEqual(RetryAfter.seconds("1e16"), RetryAfter.maxSeconds)
        XCTAssertEqual(RetryAfter.seconds("99999999999999999999"), RetryAfter.maxSeconds)
        XCTAssertEqual(RetryAfter.seconds("Fri, 31 Dec 9999 23:59:59 GMT", now: Date(timeIntervalSince1970: 0)), RetryAfter.maxSeconds)
        XCTAssertEqual(RetryAfter.seconds("86400"), 86400)
    }

    func testHugeTokenLifetimesDoNotTrap() {
        let now = ContinuousClock.now
        for lifetime in [1e20, .infinity, .nan, -5] {
            let token = AccessToken(value: "t", lifetimeSeconds: lifetime, requestedAt: now)
            XCTAssertEqual(token.value, "t")
        }
        XCTAssertTrue(AccessToken(value: "t", lifetimeSeconds: 1e20, requestedAt: now).isFresh)
        XCTAssertFalse(AccessToken(value: "t", lifetimeSeconds: .nan, requestedAt: now).isFresh)
    }
}
