import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing
import XCTest
@testable import Connectors

final class APIErrorMessageTests: XCTestCase {
    private func message(_ status: Int, _ body: String) -> String {
        APIErrorMessage.of(HTTPReply(status: status, headers: [:], body: Array(body.utf8)))
    }

    func testShapes() {
        XCTAssertEqual(message(422, #"{"message": "The given data was invalid.", "errors": {"email": ["The email has already been taken."], "clientid": ["The clientid field is required.", "Second."]}}"#),
                       "The given data was invalid. (clientid: The clientid field is required. Second.; email: The email has already been taken.)")
        XCTAssertEqual(message(404, #"{"detail": "Not found."}"#), "Not found.")
        XCTAssertEqual(message(400, #"{"custom_fields": [{}, {"name": ["This field is required."]}]}"#),
                       #"custom_fields: [{},{"name":["This field is required."]}]"#)
        XCTAssertEqual(message(400, #"{"error": "unsupported_grant_type"}"#), "unsupported_grant_type")
        XCTAssertEqual(message(502, "<html>\n  <body>Bad   gateway</body></html>"), "<html> <body>Bad gateway</body></html>")
        XCTAssertEqual(message(503, ""), HTTPURLResponse.localizedString(forStatusCode: 503))
        XCTAssertEqual(message(500, String(repeating: "x", count: 2000)).count, APIErrorMessage.limit + 1)
    }
}
