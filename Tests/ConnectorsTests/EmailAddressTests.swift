import XCTest
@testable import Connectors

final class EmailAddressTests: XCTestCase {
    func testOrdinaryAddresses() {
        for valid in ["a@b.io", "jane.doe+tag@mail.example.co.uk", "x_y-z@sub-domain.example", "名@例え.jp"] {
            XCTAssertTrue(EmailAddress.isValid(valid), valid)
        }
        for invalid in ["", "not-an-email", "a@b", "@b.io", "a@.io", "a@b..io", "a b@c.io", "a@b.io ", ".a@b.io", "a..b@c.io",
                        "a@b@c.io", "a@-b.io", "a@b_c.io", "\"q\"@b.io", "a@b.io\n", "\(String(repeating: "x", count: 65))@b.io"] {
            XCTAssertFalse(EmailAddress.isValid(invalid), invalid)
        }
    }
}
