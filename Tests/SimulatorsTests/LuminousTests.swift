import Foundation
import XCTest
@testable import Simulators

final class LuminousTests: XCTestCase {
    private let john = #"{"first_name":"John","company_id":1,"last_name":"Smith","email":"john.smith@acmecorp.com","phone_1":"555-987-6543","phone_2":"555-555-5555","is_primary":true,"tags":["sales","primary"]}"#

    func testBearerTokenIsRequired() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        let none = h.call("POST", "/contacts", json: john, authenticated: false)
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.json, ["message": "Unauthenticated."])
        XCTAssertEqual(h.call("GET", "/contacts/1", headers: [("Authorization", "Bearer wrong")], authenticated: false).status, 401)
        XCTAssertEqual(h.state()["contacts"], [])
    }

    func testCreateAnswersTheDocumentedShape() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        let reply = h.call("POST", "/contacts", json: john)
        XCTAssertEqual(reply.status, 201)
        let data = try XCTUnwrap(reply.json["data"])
        XCTAssertNotNil(data["id"]?.intValue)
        XCTAssertEqual(data["status"], "active")
        XCTAssertEqual(data["first_name"], "John")
        XCTAssertEqual(data["full_name"], "John Smith")
        XCTAssertEqual(data["phone"], "555-987-6543")
        XCTAssertEqual(data["phone_2"], "555-555-5555")
        XCTAssertEqual(data["company_id"], 1)
        XCTAssertEqual(data["company"], ["id": 1, "name": "Acme Corporation"])
        XCTAssertEqual(data["is_primary"], true)
        XCTAssertEqual(data["receive_quotation_pdf"], false)
        XCTAssertEqual(data["tags"], ["sales", "primary"])
        XCTAssertNotNil(data["created_at"]?.stringValue)
        let fetched = h.call("GET", "/contacts/\(data["id"]!.intValue!)")
        XCTAssertEqual(fetched.status, 200)
        XCTAssertEqual(fetched.json["data"], data)
        XCTAssertEqual(h.call("GET", "/contacts/999").status, 404)
    }

    func testValidationFailuresAnswer422WithFieldErrors() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        let empty = h.call("POST", "/contacts", json: "{}")
        XCTAssertEqual(empty.status, 422)
        XCTAssertEqual(empty.json["message"], "The given data was invalid.")
        XCTAssertEqual(messages(empty, "first_name"), ["The first name field is required."])
        XCTAssertEqual(messages(empty, "company_id"), ["The company id field is required when company ids is not present."])

        let cases: [(String, String, String)] = [
            (#"{"first_name":"\#(string(256))","company_id":1}"#, "first_name", "The first name must not be greater than 255 characters."),
            (#"{"first_name":"a","company_id":1,"email":"nope"}"#, "email", "The email must be a valid email address."),
            (#"{"first_name":"a","company_id":"abc"}"#, "company_id", "The company id must be an integer."),
            (#"{"first_name":"a","company_id":1.5}"#, "company_id", "The company id must be an integer."),
            (#"{"first_name":"a","company_id":99}"#, "company_id", "The selected company id is invalid."),
            (#"{"first_name":"a","company_id":1,"company_ids":[2]}"#, "company_id", "The company id field prohibits company ids from being present."),
            (#"{"first_name":"a","company_id":1,"is_primary":"maybe"}"#, "is_primary", "The is primary field must be true or false."),
            (#"{"first_name":"a","company_id":1,"tags":"sales"}"#, "tags", "The tags must be an array."),
            (#"{"first_name":"a","company_id":1,"phone_2":"\#(string(256))"}"#, "phone_2", "The phone 2 must not be greater than 255 characters."),
            (#"{"first_name":"a","company_ids":[1,42]}"#, "company_ids.1", "The selected company ids.1 is invalid."),
            (#"{"first_name":"a","company_ids":[]}"#, "company_ids", "The company ids field is required."),
        ]
        for (body, field, message) in cases {
            let reply = h.call("POST", "/contacts", json: body)
            XCTAssertEqual(reply.status, 422, body)
            XCTAssertEqual(messages(reply, field), [message], body)
        }
        XCTAssertEqual(h.state()["contacts"], [])
    }

    func testCompanyIDsListAndLenientIntegers() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        let many = h.call("POST", "/contacts", json: #"{"first_name":"Multi","company_ids":[2,3]}"#)
        XCTAssertEqual(many.status, 201)
        XCTAssertEqual(many.json["data"]?["company"], ["id": 2, "name": "Globex Corporation"])
        // Laravel's integer rule accepts numeric strings.
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"S","company_id":"3"}"#).json["data"]?["company_id"], 3)
    }

    func testPartialUpdateChangesOnlyWhatIsSent() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        let id = try XCTUnwrap(h.call("POST", "/contacts", json: john).json["data"]?["id"]?.intValue)
        let reply = h.call("POST", "/contacts/\(id)", json: #"{"last_name":"Smythe","receive_quotation_pdf":true,"phone_2":null}"#)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.json["data"]?["first_name"], "John")
        XCTAssertEqual(reply.json["data"]?["last_name"], "Smythe")
        XCTAssertEqual(reply.json["data"]?["email"], "john.smith@acmecorp.com")
        XCTAssertEqual(reply.json["data"]?["receive_quotation_pdf"], true)
        XCTAssertEqual(reply.json["data"]?["phone_2"], .null)
        XCTAssertEqual(h.call("POST", "/contacts/\(id)", json: #"{"first_name":""}"#).status, 422)
        XCTAssertEqual(h.call("POST", "/contacts/\(id)", json: #"{"company_id":77}"#).status, 422)
        XCTAssertEqual(h.call("GET", "/contacts/\(id)").json["data"]?["last_name"], "Smythe")
        XCTAssertEqual(h.call("POST", "/contacts/4040", json: #"{"last_name":"x"}"#).status, 404)
    }

    func testCompanyContactsFilterByEmail() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        XCTAssertEqual(h.call("POST", "/contacts", json: john).status, 201)
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"Amy","company_id":1,"email":"amy@acmecorp.com"}"#).status, 201)
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"Other","company_id":2,"email":"john.smith@acmecorp.com"}"#).status, 201)
        let all = h.call("GET", "/companies/1/contacts")
        XCTAssertEqual(all.status, 200)
        XCTAssertEqual(all.json["data"]?.arrayValue?.count, 2)
        XCTAssertEqual(all.json["meta"]?["total"], 2)
        let match = h.call("GET", "/companies/1/contacts?email%5Beq%5D=John.Smith%40acmecorp.com")
        XCTAssertEqual(match.json["data"]?.arrayValue?.map { $0["first_name"] ?? .null }, ["John"])
        XCTAssertEqual(h.call("GET", "/companies/1/contacts?email[eq]=amy@acmecorp.com").json["data"]?.arrayValue?.count, 1)
        XCTAssertEqual(h.call("GET", "/companies/1/contacts?email[eq]=nobody@acmecorp.com").json["data"], [])
        let paged = h.call("GET", "/companies/1/contacts?limit=1&page=2")
        XCTAssertEqual(paged.json["data"]?.arrayValue?.map { $0["first_name"] ?? .null }, ["Amy"])
        XCTAssertEqual(paged.json["meta"], ["current_page": 2, "per_page": 1, "total": 2, "last_page": 2])
        let unsupported = h.call("GET", "/companies/1/contacts?email[regex]=x")
        XCTAssertEqual(unsupported.status, 422)
        XCTAssertEqual(h.call("GET", "/companies/1/contacts?limit=101").status, 422)
        XCTAssertEqual(h.call("GET", "/companies/42/contacts").status, 404)
    }

    func testCompaniesCanBeCreated() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        let reply = h.call("POST", "/companies", json: #"{"name":"Hooli"}"#)
        XCTAssertEqual(reply.status, 201)
        let id = try XCTUnwrap(reply.json["data"]?["id"]?.intValue)
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"G","company_id":\#(id)}"#).status, 201)
        XCTAssertEqual(h.call("POST", "/companies", json: "{}").status, 422)
    }

    func testRoutingErrors() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        let wrong = h.call("DELETE", "/contacts/1")
        XCTAssertEqual(wrong.status, 405)
        XCTAssertNotNil(wrong.json["message"]?.stringValue)
        XCTAssertEqual(h.call("GET", "/invoices").json["message"], "Not Found")
        let badJSON = h.call("POST", "/contacts", json: "[1,")
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertNotNil(badJSON.json["message"]?.stringValue)
    }
}
