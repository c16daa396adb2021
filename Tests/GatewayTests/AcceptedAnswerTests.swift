@testable import Gateway
import Routing
import XCTest

/// The intake writes its 200 body directly instead of serialising a `JSONValue`; senders must
/// get the same bytes as before, whatever the event id holds.
final class AcceptedAnswerTests: XCTestCase {
    func testAcceptedBodyIsTheSerialisedObject() {
        for id in ["msg_1", "", "quote\"back\\slash", "line\nbreak\ttab\r\u{01}\u{1F}", "é ✓ 😀", "sha256:" + String(repeating: "ab", count: 32)] {
            for duplicate in [false, true] {
                let expected = JSONValue.object(["status": .string(duplicate ? "duplicate" : "accepted"), "event_id": .string(id)]).serialized()
                let response = WebhookIntake.accepted(id, duplicate: duplicate)
                XCTAssertEqual(response.body, expected, id.debugDescription)
                XCTAssertEqual(response.status, .ok)
                XCTAssertEqual(response.headers["content-type"], "application/json")
            }
        }
    }
}
