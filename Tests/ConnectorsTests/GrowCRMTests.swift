import Connectors
import Foundation
import Routing
import Simulators
import XCTest

final class GrowCRMTests: XCTestCase {
    static let jane = #"{"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.example", "clientid": 1, "send_email": "no"}"#

    func testCreateContact() async throws {
        let h = try Harness()
        defer { h.stop() }
        let outcome = await h.perform(action("growcrm", "create_contact", body: Self.jane))
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 201)
        XCTAssertEqual(result, json(#"{"id": 4, "name": "Jane Doe"}"#))
        XCTAssertNil(note)
        let request = try XCTUnwrap(h.growcrm.journal().first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.target, "/api/contacts")
        XCTAssertEqual(request.header("authorization"), "Bearer dev-growcrm-key")
        XCTAssertEqual(request.header("content-type"), "application/json")
        XCTAssertEqual(bodyJSON(request), json(Self.jane))
    }

    func testUpdateGetListAccountOwnerAndDelete() async throws {
        let h = try Harness()
        defer { h.stop() }
        _ = success(await h.perform(action("growcrm", "create_contact", body: Self.jane)))

        let update = #"{"first_name": "Janet", "last_name": "Doe", "email": "janet@acme.example", "position": "CTO"}"#
        let updated = await h.perform(action("growcrm", "update_contact", params: ["id": "4"], body: update))
        XCTAssertEqual(success(updated)?.result, json(#"{"id": 4, "name": "Janet Doe", "email": "janet@acme.example"}"#))
        var request = try XCTUnwrap(h.growcrm.journal().last)
        XCTAssertEqual(request.method, "PATCH")
        XCTAssertEqual(request.target, "/api/contacts/4")
        XCTAssertEqual(bodyJSON(request), json(update))

        let got = await h.perform(action("growcrm", "get_contact", params: ["id": "4"]))
        XCTAssertEqual(success(got)?.result, json(#"{"id": 4, "name": "Janet Doe", "email": "janet@acme.example"}"#))
        XCTAssertEqual(h.growcrm.journal().last?.target, "/api/contacts/4")

        let listed = await h.perform(action("growcrm", "list_contacts", params: ["client_id": "1", "sort": "email", "order": "desc", "limit": "10"]))
        XCTAssertEqual(success(listed)?.result, json(#"{"contacts": [{"id": 4, "name": "Janet Doe", "email": "janet@acme.example"}, {"id": 2, "name": "Alice Owner", "email": "alice@acme.example"}], "total": 2}"#))
        XCTAssertEqual(h.growcrm.journal().last?.target, "/api/contacts?client_id=1&sort=email&order=desc&limit=10")

        let owner = await h.perform(action("growcrm", "set_account_owner", params: ["id": "4"]))
        XCTAssertEqual(success(owner)?.result, json(#"{"id": 4, "name": "Janet Doe", "account_owner": "yes"}"#))
        request = try XCTUnwrap(h.growcrm.journal().last)
        XCTAssertEqual(request.method, "PUT")
        XCTAssertEqual(request.target, "/api/contacts/4/account-owner")
        XCTAssertEqual(request.body, [])

        let deleted = await h.perform(action("growcrm", "delete_contact", params: ["id": "4"]))
        XCTAssertEqual(success(deleted)?.result, json(#"{"id": 4}"#))
        XCTAssertEqual(h.growcrm.journal().last?.method, "DELETE")
        XCTAssertEqual(h.growcrm.journal().last?.target, "/api/contacts/4")
        let outcome = await h.perform(action("growcrm", "get_contact", params: ["id": "4"]))
        XCTAssertEqual(permanent(outcome)?.status, 404)
    }

    func testSearchValuesAreEscaped() async throws {
        let h = try Harness()
        defer { h.stop() }
        _ = await h.perform(action("growcrm", "create_contact", body: #"{"first_name": "P", "last_name": "Q", "email": "p+q@acme.example", "clientid": 2}"#))
        let listed = await h.perform(action("growcrm", "list_contacts", params: ["search": "p+q@acme.example"]))
        XCTAssertEqual(success(listed)?.result[path: "total"], .int(1))
        XCTAssertEqual(h.growcrm.journal().last?.target, "/api/contacts?search=p%2Bq%40acme.example")
    }

    func testDuplicateEmailReturnsTheExistingContact() async throws {
        let h = try Harness()
        defer { h.stop() }
        let first = await h.perform(action("growcrm", "create_contact", body: Self.jane))
        XCTAssertEqual(success(first)?.result, json(#"{"id": 4, "name": "Jane Doe"}"#))
        let again = #"{"first_name": "Jane", "last_name": "Doe", "email": "JANE@acme.example", "clientid": 1}"#
        let outcome = await h.perform(action("growcrm", "create_contact", body: again))
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(result, json(#"{"id": 4, "name": "Jane Doe"}"#))
        XCTAssertEqual(note, "already present (email has already been taken)")
        let journal = h.growcrm.journal()
        XCTAssertEqual(journal.map(\.status), [201, 422, 200])
        XCTAssertEqual(journal.last?.target, "/api/contacts?search=JANE%40acme.example&limit=100&page=1")
        let users = records(try await h.state(h.growcrm), "users").filter { $0[path: "email"]?.scalarText?.lowercased() == "jane@acme.example" }
        XCTAssertEqual(users.count, 1)
    }

    /// Emails are unique across clients: a contact of another client with the address is not
    /// this create's contact (a later account-owner action would take over the other client).
    func testEmailTakenByAnotherClientsContactIsNotTakenAsThisOne() async throws {
        let h = try Harness()
        defer { h.stop() }
        let body = #"{"first_name": "Bob", "last_name": "Owner", "email": "bob@globex.example", "clientid": 1}"#
        let outcome = await h.perform(action("growcrm", "create_contact", body: body))
        guard let (_, error) = permanent(outcome) else { return XCTFail("\(outcome)") }
        XCTAssertEqual(error, "growcrm create_contact: bob@globex.example is already a contact of client 2, not of client 1: not taken as this action's contact")
        XCTAssertEqual(h.growcrm.journal().map(\.status), [422, 200], "the create was refused, the search found client 2's contact")
    }

    func testEmailTakenByATeamMemberStaysPermanent() async throws {
        let h = try Harness()
        defer { h.stop() }
        let body = #"{"first_name": "Ada", "last_name": "Admin", "email": "admin@growcrm.example", "clientid": 1}"#
        let outcome = await h.perform(action("growcrm", "create_contact", body: body))
        guard let (status, error) = permanent(outcome) else { return }
        XCTAssertEqual(status, 422)
        XCTAssertEqual(error, "growcrm create_contact: HTTP 422: The given data was invalid. (email: The email has already been taken.)")
    }

    func testDuplicateEmailWithOtherErrorsStaysPermanent() async throws {
        let h = try Harness()
        defer { h.stop() }
        _ = success(await h.perform(action("growcrm", "create_contact", body: Self.jane)))
        let body = #"{"first_name": "Jane", "last_name": "Doe", "email": "jane@acme.example", "clientid": 99}"#
        let outcome = await h.perform(action("growcrm", "create_contact", body: body))
        XCTAssertEqual(outcome, .permanent(status: 422, error: "growcrm create_contact: HTTP 422: The given data was invalid. "
                                           + "(clientid: The selected clientid is invalid.; email: The email has already been taken.)"))
        XCTAssertEqual(h.growcrm.journal().map(\.method), ["POST", "POST"], "no look-up")
    }
}
