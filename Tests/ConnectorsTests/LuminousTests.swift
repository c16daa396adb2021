import Connectors
import Foundation
import Routing
import Simulators
import XCTest

final class LuminousTests: XCTestCase {
    func testCreateContactSendsBearerAndBody() async throws {
        let h = try Harness()
        defer { h.stop() }
        let body = #"{"first_name": "John", "last_name": "Smith", "email": "john@acme.example", "company_id": 1, "is_primary": true, "tags": ["sales"]}"#
        let outcome = await h.perform(action("luminous", "create_contact", body: body))
        guard let (status, result, _) = success(outcome) else { return }
        XCTAssertEqual(status, 201)
        XCTAssertEqual(result, json(#"{"id": 1, "full_name": "John Smith", "email": "john@acme.example", "company_id": 1}"#))
        let request = try XCTUnwrap(h.luminous.journal().first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.target, "/external/api/v1/contacts")
        XCTAssertEqual(request.header("authorization"), "Bearer dev-luminous-token")
        XCTAssertEqual(bodyJSON(request), json(body))
    }

    func testIntegerFieldsGivenAsTextAreSentAsNumbers() async throws {
        let h = try Harness()
        defer { h.stop() }
        let outcome = await h.perform(action("luminous", "create_contact", body: #"{"first_name": "Ann", "company_ids": ["2", 3]}"#))
        XCTAssertEqual(success(outcome)?.status, 201)
        XCTAssertEqual(bodyJSON(try XCTUnwrap(h.luminous.journal().first)), json(#"{"first_name": "Ann", "company_ids": [2, 3]}"#))
    }

    func testUpdateGetAndFindContacts() async throws {
        let h = try Harness()
        defer { h.stop() }
        _ = await h.perform(action("luminous", "create_contact", body: #"{"first_name": "Ann", "email": "ann+x@acme.example", "company_id": 2}"#))
        _ = await h.perform(action("luminous", "create_contact", body: #"{"first_name": "Bob", "email": "bob@acme.example", "company_id": 2}"#))

        let updated = await h.perform(action("luminous", "update_contact", params: ["id": "1"], body: #"{"last_name": "Lee"}"#))
        XCTAssertEqual(success(updated)?.result[path: "full_name"], .string("Ann Lee"))
        var request = try XCTUnwrap(h.luminous.journal().last)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.target, "/external/api/v1/contacts/1")
        XCTAssertEqual(bodyJSON(request), json(#"{"last_name": "Lee"}"#))

        let got = await h.perform(action("luminous", "get_contact", params: ["id": "2"]))
        XCTAssertEqual(success(got)?.result, json(#"{"id": 2, "full_name": "Bob", "email": "bob@acme.example", "company_id": 2}"#))
        XCTAssertEqual(h.luminous.journal().last?.target, "/external/api/v1/contacts/2")

        let found = await h.perform(action("luminous", "find_contacts", params: ["company_id": "2", "email": "ann+x@acme.example"]))
        XCTAssertEqual(success(found)?.result, json(#"{"contacts": [{"id": 1, "full_name": "Ann Lee", "email": "ann+x@acme.example"}], "total": 1}"#))
        request = try XCTUnwrap(h.luminous.journal().last)
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.target, "/external/api/v1/companies/2/contacts?email%5Beq%5D=ann%2Bx%40acme.example")

        let page = await h.perform(action("luminous", "find_contacts", params: ["company_id": "2", "page": "2", "limit": "1"]))
        XCTAssertEqual(success(page)?.result, json(#"{"contacts": [{"id": 2, "full_name": "Bob", "email": "bob@acme.example"}], "total": 2}"#))
    }

    func testAWrongTokenIsPermanent() async throws {
        let h = try Harness(luminousToken: "wrong-token-77")
        defer { h.stop() }
        let outcome = await h.perform(action("luminous", "get_contact", params: ["id": "1"]))
        guard let (status, error) = permanent(outcome) else { return }
        XCTAssertEqual(status, 401)
        XCTAssertEqual(error, "luminous get_contact: Luminous refused the credentials (HTTP 401): Unauthenticated.")
    }
}
