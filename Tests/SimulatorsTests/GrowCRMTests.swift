import Foundation
import Synchronization
import TestSupport
import XCTest
@testable import Simulators

final class GrowCRMTests: XCTestCase {
    private let jane = #"{"first_name":"Jane","last_name":"Doe","email":"jane@example.com","clientid":1,"phone":"0113 496 0000","position":"CTO","send_email":"no"}"#

    func testUnauthorizedMessageIsExact() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        for headers in [[], [("Authorization", "Bearer wrong")], [("Authorization", "dev-growcrm-key")]] {
            let reply = h.call("GET", "/contacts", headers: headers, authenticated: false)
            XCTAssertEqual(reply.status, 401)
            XCTAssertEqual(reply.json, ["message": "Unauthorized. A valid API key is required."])
        }
    }

    func testCreateThenGet() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        let created = h.call("POST", "/contacts", json: jane)
        XCTAssertEqual(created.status, 201)
        let id = try XCTUnwrap(created.json["data"]?["id"]?.intValue)
        XCTAssertEqual(created.json, ["data": ["id": .int(id), "name": "Jane Doe"], "message": "Contact created successfully."])
        let fetched = h.call("GET", "/contacts/\(id)")
        XCTAssertEqual(fetched.status, 200)
        XCTAssertEqual(fetched.json["message"], "Contact retrieved successfully.")
        let data = try XCTUnwrap(fetched.json["data"])
        XCTAssertEqual(data["email"], "jane@example.com")
        XCTAssertEqual(data["name"], "Jane Doe")
        XCTAssertEqual(data["phone"], "0113 496 0000")
        XCTAssertEqual(data["job_position"], "CTO")
        XCTAssertEqual(data["account_owner"], "no")
        XCTAssertEqual(data["status"], "active")
        XCTAssertEqual(data["client"], ["id": 1, "company_name": "Acme Ltd"])
        XCTAssertNotNil(data["dates"]?["created"]?.stringValue)
    }

    func testDuplicateEmailIs422() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        XCTAssertEqual(h.call("POST", "/contacts", json: jane).status, 201)
        let expected: JSON = ["message": "The given data was invalid.", "errors": ["email": ["The email has already been taken."]]]
        let again = h.call("POST", "/contacts", json: jane.replacingOccurrences(of: "jane@example.com", with: "JANE@example.com"))
        XCTAssertEqual(again.status, 422)
        XCTAssertEqual(again.json, expected)
        // Unique across all users: the seeded team member's email is taken too.
        let teamEmail = h.call("POST", "/contacts", json: #"{"first_name":"a","last_name":"b","email":"admin@growcrm.example","clientid":2}"#)
        XCTAssertEqual(teamEmail.json, expected)
    }

    func testConcurrentCreatesWithOneEmailMakeOneContact() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        let port = h.port, body = Array(jane.utf8)
        let statuses = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            let client = try? RawClient(port: port)
            let reply = client?.request("POST", "/api/contacts", headers: [("Authorization", "Bearer dev-growcrm-key"),
                                                                          ("Content-Type", "application/json")], body: body)
            statuses.withLock { $0.append(reply?.status ?? 0) }
        }
        XCTAssertEqual(statuses.withLock { $0.sorted() }, [201] + Array(repeating: 422, count: 7))
    }

    func testCreateValidation() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        let empty = h.call("POST", "/contacts", json: "{}")
        XCTAssertEqual(empty.status, 422)
        XCTAssertEqual(empty.json["message"], "The given data was invalid.")
        XCTAssertEqual(messages(empty, "first_name"), ["The first name field is required."])
        XCTAssertEqual(messages(empty, "last_name"), ["The last name field is required."])
        XCTAssertEqual(messages(empty, "email"), ["The email field is required."])
        XCTAssertEqual(messages(empty, "clientid"), ["The clientid field is required."])
        let cases: [(String, String, String)] = [
            (#"{"first_name":"a","last_name":"b","email":"a@","clientid":1}"#, "email", "The email must be a valid email address."),
            (#"{"first_name":"a","last_name":"b","email":"a@b.co","clientid":"one"}"#, "clientid", "The clientid must be an integer."),
            (#"{"first_name":"a","last_name":"b","email":"a@b.co","clientid":9}"#, "clientid", "The selected clientid is invalid."),
            (#"{"first_name":"a","last_name":"b","email":"a@b.co","clientid":1,"send_email":"maybe"}"#, "send_email", "The selected send email is invalid."),
        ]
        for (body, field, message) in cases {
            let reply = h.call("POST", "/contacts", json: body)
            XCTAssertEqual(reply.status, 422, body)
            XCTAssertEqual(messages(reply, field), [message], body)
        }
    }

    func testListFiltersSortsAndPages() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        XCTAssertEqual(h.call("POST", "/contacts", json: jane).status, 201)
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"Zed","last_name":"Ant","email":"zed@example.com","clientid":2}"#).status, 201)
        let all = h.call("GET", "/contacts")
        XCTAssertEqual(all.status, 200)
        // Seeded account owners 2 and 3 plus the two new; team member 1 is not a contact.
        XCTAssertEqual(all.json["meta"]?["total"], 4)
        XCTAssertEqual(all.json["message"], "Contacts retrieved successfully.")
        let names = { (reply: Reply) in reply.json["data"]?.arrayValue?.compactMap { $0["first_name"]?.stringValue } ?? [] }
        XCTAssertEqual(names(h.call("GET", "/contacts?client_id=1")), ["Alice", "Jane"])
        XCTAssertEqual(names(h.call("GET", "/contacts?account_owner=yes")), ["Alice", "Bob"])
        XCTAssertEqual(names(h.call("GET", "/contacts?search=ZED%40example")), ["Zed"])
        XCTAssertEqual(names(h.call("GET", "/contacts?sort=first_name&order=desc")), ["Zed", "Jane", "Bob", "Alice"])
        let page = h.call("GET", "/contacts?limit=3&page=2")
        XCTAssertEqual(names(page), ["Zed"])
        XCTAssertEqual(page.json["meta"], ["current_page": 2, "per_page": 3, "total": 4, "last_page": 2])
        for bad in ["limit=101", "account_owner=maybe", "sort=phone", "order=up", "client_id=x"] {
            XCTAssertEqual(h.call("GET", "/contacts?\(bad)").status, 422, bad)
        }
    }

    func testUpdateRequiresNamesAndUniqueEmail() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        let id = try XCTUnwrap(h.call("POST", "/contacts", json: jane).json["data"]?["id"]?.intValue)
        let missing = h.call("PATCH", "/contacts/\(id)", json: #"{"first_name":"Janet"}"#)
        XCTAssertEqual(missing.status, 422)
        XCTAssertEqual(messages(missing, "last_name"), ["The last name field is required."])
        XCTAssertEqual(messages(missing, "email"), ["The email field is required."])
        let taken = h.call("PATCH", "/contacts/\(id)", json: #"{"first_name":"J","last_name":"D","email":"alice@acme.example"}"#)
        XCTAssertEqual(messages(taken, "email"), ["The email has already been taken."])
        // Its own email does not count against it.
        let ok = h.call("PATCH", "/contacts/\(id)", json: #"{"first_name":"Janet","last_name":"Doe","email":"jane@example.com"}"#)
        XCTAssertEqual(ok.status, 200)
        XCTAssertEqual(ok.json["data"]?["name"], "Janet Doe")
        XCTAssertEqual(ok.json["data"]?["phone"], "0113 496 0000")
        XCTAssertEqual(ok.json["message"], "Contact updated successfully.")
    }

    func testDeletedContactsAnswer404() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        let id = try XCTUnwrap(h.call("POST", "/contacts", json: jane).json["data"]?["id"]?.intValue)
        let deleted = h.call("DELETE", "/contacts/\(id)")
        XCTAssertEqual(deleted.status, 200)
        XCTAssertEqual(deleted.json["message"], "Contact deleted successfully.")
        XCTAssertEqual(h.call("GET", "/contacts/\(id)").status, 404)
        XCTAssertEqual(h.call("GET", "/contacts/\(id)").json, ["message": "Contact not found."])
        XCTAssertEqual(h.call("PATCH", "/contacts/\(id)", json: jane).status, 404)
        XCTAssertEqual(h.call("DELETE", "/contacts/\(id)").status, 404)
        XCTAssertEqual(h.call("PUT", "/contacts/\(id)/account-owner").status, 404)
        XCTAssertEqual(h.call("GET", "/contacts?search=jane").json["meta"]?["total"], 0)
        // The row is soft deleted: still held, marked deleted.
        let users = h.state()["users"]?.arrayValue ?? []
        XCTAssertEqual(users.first { $0["id"]?.intValue == id }?["status"], "deleted")
    }

    func testAccountOwnerAction() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        let id = try XCTUnwrap(h.call("POST", "/contacts", json: jane).json["data"]?["id"]?.intValue)
        let reply = h.call("PUT", "/contacts/\(id)/account-owner")
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.json["data"]?["account_owner"], "yes")
        XCTAssertEqual(reply.json["message"], "Contact set as account owner successfully.")
        // The client's previous owner is demoted.
        XCTAssertEqual(h.call("GET", "/contacts/2").json["data"]?["account_owner"], "no")
        // User 1 is a team member, not a client user.
        let conflict = h.call("PUT", "/contacts/1/account-owner")
        XCTAssertEqual(conflict.status, 409)
        XCTAssertNotNil(conflict.json["message"]?.stringValue)
        XCTAssertEqual(h.call("PUT", "/contacts/999/account-owner").status, 404)
        XCTAssertEqual(h.call("GET", "/contacts/1").status, 404)
    }

    func testCreateClientThenAContactForIt() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        let client = h.call("POST", "/clients", json: #"{"first_name":"Cat","last_name":"Lee","email":"cat@initech.example","client_company_name":"Initech"}"#)
        XCTAssertEqual(client.status, 201)
        let clientID = try XCTUnwrap(client.json["data"]?["id"]?.intValue)
        XCTAssertEqual(client.json["message"], "Client created successfully.")
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"a","last_name":"b","email":"a@initech.example","clientid":\#(clientID)}"#).status, 201)
        XCTAssertEqual(h.call("GET", "/contacts?client_id=\(clientID)&account_owner=yes").json["data"]?[0]?["email"], "cat@initech.example")
        XCTAssertEqual(h.call("POST", "/clients", json: #"{"first_name":"x","last_name":"y","email":"cat@initech.example"}"#).status, 422)
    }

    func testRoutingErrors() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        XCTAssertEqual(h.call("POST", "/contacts/5", json: jane).status, 405)
        XCTAssertEqual(h.call("GET", "/projects").status, 404)
        XCTAssertEqual(h.call("GET", "/contacts/abc").status, 404)
        let badJSON = h.call("POST", "/contacts", json: "{\"a\":}")
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertNotNil(badJSON.json["message"]?.stringValue)
    }
}
