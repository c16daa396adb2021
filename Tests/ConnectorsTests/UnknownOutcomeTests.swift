import Connectors
import Foundation
import Routing
import Simulators
import XCTest

/// A create whose first attempt was performed but never answered must not be made twice.
final class UnknownOutcomeTests: XCTestCase {
    func testYunoJunoInviteIsSentAgainAndStaysOne() async throws {
        let h = try Harness(timeoutSeconds: 1.5)
        defer { h.stop() }
        h.yunojuno.faults.add(.dropAfterCommit, method: "POST", pathPrefix: "/client_contacts/")
        let invite = action("yunojuno", "invite_contact", body: YunoJunoTests.invite)
        _ = retryable(await h.perform(invite))
        let outcome = await h.perform(invite, mode: .afterUnknownOutcome)
        guard let (status, result, _) = success(outcome) else { return }
        XCTAssertEqual(status, 201)
        let contacts = records(try await h.state(h.yunojuno), "client_contacts")
        XCTAssertEqual(contacts.count, 1)
        XCTAssertEqual(result[path: "client_contact_id"], contacts.first?[path: "client_contact_id"])
    }

    func testRoostedClientIsFoundByName() async throws {
        let h = try Harness(timeoutSeconds: 1.5)
        defer { h.stop() }
        _ = await h.perform(action("roosted", "create_client", body: #"{"client_name": "Acme Corp Ltd"}"#))
        h.roosted.faults.add(.dropAfterCommit)
        let create = action("roosted", "create_client", body: #"{"client_name": "Acme Corp"}"#)
        _ = retryable(await h.perform(create))
        let outcome = await h.perform(create, mode: .afterUnknownOutcome)
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 200)
        XCTAssertTrue(note?.hasPrefix("already present") == true, "\(String(describing: note))")
        let clients = records(try await h.state(h.roosted), "clients").filter { $0[path: "client_name"] == .string("Acme Corp") }
        XCTAssertEqual(clients.count, 1)
        XCTAssertEqual(result, json(#"{"id": "\#(clients[0][path: "id"]?.scalarText ?? "")", "client_name": "Acme Corp"}"#))
        let last = try XCTUnwrap(h.roosted.journal().last)
        XCTAssertEqual(last.method, "GET")
        XCTAssertEqual(last.target, "/api/1_12/clients?items_per_page=100&page=1")
    }

    func testRoostedLookUpPagesThroughClients() async throws {
        let h = try Harness()
        defer { h.stop() }
        for n in 1...150 {
            _ = success(await h.perform(action("roosted", "create_client", body: #"{"client_name": "Client \#(n)"}"#)))
        }
        let outcome = await h.perform(action("roosted", "create_client", body: #"{"client_name": "Client 140"}"#), mode: .afterUnknownOutcome)
        XCTAssertEqual(success(outcome)?.result[path: "client_name"], .string("Client 140"))
        XCTAssertEqual(h.roosted.journal().suffix(2).map(\.target),
                       ["/api/1_12/clients?items_per_page=100&page=1", "/api/1_12/clients?items_per_page=100&page=2"])
        let clients = records(try await h.state(h.roosted), "clients")
        XCTAssertEqual(clients.count, 150)
    }

    /// Client names are not unique: a client of the same name with another contact (staff
    /// made it) is not the one this action made, so the create goes ahead.
    func testRoostedLookUpDoesNotTakeAnotherClientOfTheSameName() async throws {
        let h = try Harness()
        defer { h.stop() }
        let theirs = success(await h.perform(action("roosted", "create_client",
                                                    body: #"{"client_name": "Acme", "client_contact_email": "staff@acme.example"}"#)))
        let outcome = await h.perform(action("roosted", "create_client",
                                             body: #"{"client_name": "Acme", "client_contact_email": "Jane@Acme.example"}"#), mode: .afterUnknownOutcome)
        let ours = try XCTUnwrap(success(outcome)?.result[path: "id"])
        XCTAssertNotEqual(ours, theirs?.result[path: "id"], "took the other Acme as ours")
        let afterOurs = records(try await h.state(h.roosted), "clients").count
        XCTAssertEqual(afterOurs, 2)
        // The same client again (emails compared without case) is found, not made a third time.
        let again = await h.perform(action("roosted", "create_client",
                                           body: #"{"client_name": "Acme", "client_contact_email": "jane@acme.example"}"#), mode: .afterUnknownOutcome)
        XCTAssertEqual(success(again)?.result[path: "id"], ours)
        let finally = records(try await h.state(h.roosted), "clients").count
        XCTAssertEqual(finally, 2)
    }

    /// Grow CRM's search matches parts of addresses, oldest first: the contact can be past the
    /// first hundred matches, and missing it ended in a 422 and a permanent failure.
    func testGrowCRMLookUpPagesThroughSearchMatches() async throws {
        let h = try Harness()
        defer { h.stop() }
        for n in 0..<100 {
            let body = #"{"first_name": "P", "last_name": "N\#(n)", "email": "p\#(n)ann@x.io", "clientid": 1, "send_email": "no"}"#
            let made = await h.perform(action("growcrm", "create_contact", body: body))
            XCTAssertNotNil(success(made))
        }
        let ann = #"{"first_name": "Ann", "last_name": "X", "email": "ann@x.io", "clientid": 1, "send_email": "no"}"#
        let first = await h.perform(action("growcrm", "create_contact", body: ann))
        let made = try XCTUnwrap(success(first))
        let posts = h.growcrm.journal().filter { $0.method == "POST" }.count
        let outcome = await h.perform(action("growcrm", "create_contact", body: ann), mode: .afterUnknownOutcome)
        XCTAssertEqual(success(outcome)?.result[path: "id"], made.result[path: "id"], "\(outcome)")
        XCTAssertEqual(h.growcrm.journal().filter { $0.method == "POST" }.count, posts, "created again")
    }

    func testRoostedCreatesWhenTheEarlierAttemptDidNothing() async throws {
        let h = try Harness(timeoutSeconds: 1.5)
        defer { h.stop() }
        h.roosted.faults.add(.drop)
        let create = action("roosted", "create_client", body: #"{"client_name": "Initech"}"#)
        _ = retryable(await h.perform(create))
        let outcome = await h.perform(create, mode: .afterUnknownOutcome)
        guard let (status, _, note) = success(outcome) else { return }
        XCTAssertEqual(status, 201)
        XCTAssertNil(note)
        XCTAssertEqual(h.roosted.journal().map(\.method), ["POST", "GET", "POST"])
        let clients = records(try await h.state(h.roosted), "clients")
        XCTAssertEqual(clients.count, 1)
    }

    func testLuminousContactIsFoundByEmail() async throws {
        let h = try Harness(timeoutSeconds: 1.5)
        defer { h.stop() }
        h.luminous.faults.add(.dropAfterCommit)
        let create = action("luminous", "create_contact", body: #"{"first_name": "John", "email": "john@acme.example", "company_id": 3}"#)
        _ = retryable(await h.perform(create))
        let outcome = await h.perform(create, mode: .afterUnknownOutcome)
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(result, json(#"{"id": 1, "full_name": "John", "email": "john@acme.example", "company_id": 3}"#))
        XCTAssertTrue(note?.hasPrefix("already present") == true)
        let contacts = records(try await h.state(h.luminous), "contacts")
        XCTAssertEqual(contacts.count, 1)
        XCTAssertEqual(h.luminous.journal().last?.target, "/external/api/v1/companies/3/contacts?email%5Beq%5D=john%40acme.example&limit=100")
    }

    func testLuminousWithoutEmailCannotBeCheckedAndIsNotResent() async throws {
        let h = try Harness()
        defer { h.stop() }
        let create = action("luminous", "create_contact", body: #"{"first_name": "John", "company_id": 3}"#)
        let outcome = await h.perform(create, mode: .afterUnknownOutcome)
        XCTAssertEqual(outcome, .permanent(status: nil, error: "luminous create_contact: outcome unknown and no email to look up: not retried to avoid a duplicate"))
        XCTAssertTrue(h.luminous.journal().isEmpty)
    }

    func testGrowCRMContactIsLookedUpBeforeCreating() async throws {
        let h = try Harness(timeoutSeconds: 1.5)
        defer { h.stop() }
        h.growcrm.faults.add(.dropAfterCommit)
        let create = action("growcrm", "create_contact", body: GrowCRMTests.jane)
        _ = retryable(await h.perform(create))
        let outcome = await h.perform(create, mode: .afterUnknownOutcome)
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(result, json(#"{"id": 4, "name": "Jane Doe"}"#))
        XCTAssertTrue(note?.hasPrefix("already present") == true)
        XCTAssertEqual(h.growcrm.journal().map(\.method), ["POST", "GET"], "found before creating: no second POST")
        let users = records(try await h.state(h.growcrm), "users").filter { $0[path: "email"] == .string("jane@acme.example") }
        XCTAssertEqual(users.count, 1)
    }

    func testDeleteAfterUnknownOutcomeTreatsNotFoundAsDone() async throws {
        let h = try Harness(timeoutSeconds: 1.5)
        defer { h.stop() }
        h.growcrm.faults.add(.dropAfterCommit, method: "DELETE")
        let delete = action("growcrm", "delete_contact", params: ["id": "3"])
        _ = retryable(await h.perform(delete))
        let outcome = await h.perform(delete, mode: .afterUnknownOutcome)
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 404)
        XCTAssertEqual(result, json(#"{"id": 3}"#))
        XCTAssertTrue(note?.hasPrefix("already gone") == true)
        // A fresh attempt has no such excuse.
        let fresh = await h.perform(delete)
        XCTAssertEqual(permanent(fresh)?.status, 404)
    }

    func testLookUpFailureIsRetryable() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.growcrm.faults.add(.status(502), method: "GET")
        let outcome = await h.perform(action("growcrm", "create_contact", body: GrowCRMTests.jane), mode: .afterUnknownOutcome)
        XCTAssertEqual(outcome, .retryable(status: 502, error: "growcrm create_contact: looking for an existing contact: HTTP 502: Bad Gateway", retryAfterSeconds: nil))
        XCTAssertEqual(h.growcrm.journal().map(\.method), ["GET"], "no create without knowing")
    }
}
