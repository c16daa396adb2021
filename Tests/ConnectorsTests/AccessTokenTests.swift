import XCTest
@testable import Connectors

final class AccessTokenTests: XCTestCase {
    func testRefreshMargin() {
        let start = ContinuousClock.now
        XCTAssertEqual(AccessToken(value: "t", lifetimeSeconds: 3600, requestedAt: start).refreshAt, start + .seconds(3540), "60 s before expiry")
        XCTAssertEqual(AccessToken(value: "t", lifetimeSeconds: 100, requestedAt: start).refreshAt, start + .seconds(90), "a tenth of a short lifetime")
    }
}
