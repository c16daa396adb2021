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
}
