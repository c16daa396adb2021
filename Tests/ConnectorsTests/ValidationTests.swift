import Connectors
import Foundation
import Routing
import Simulators
import XCTest

/// Invalid actions fail permanently, name the field, and send nothing at all.
final class ValidationTests: XCTestCase {
    static let cases: [(RenderedAction, String)] = [
        (action("growcrm", "create_contact", body: #"{"first_name": "J", "last_name": "D", "email": "not-an-email", "clientid": 1}"#),
         #"growcrm create_contact: email "not-an-email" is not an email address"#),
        (action("growcrm", "create_contact", body: #"{"first_name": "J", "last_name": "D", "email": "a@b", "clientid": "x"}"#),
         #"growcrm create_contact: email "a@b" is not an email address; clientid must be an integer, got "x""#),
        (action("growcrm", "create_contact", body: #"{"first_name": "J", "last_name": "D", "email": "a@b.io", "clientid": 1, "send_email": "maybe"}"#),
         #"growcrm create_contact: send_email must be one of yes, no, got "maybe""#),
        (action("growcrm", "create_contact"), "growcrm create_contact: a JSON object body is required"),
        (action("growcrm", "create_contact", body: "[1]"), "growcrm create_contact: the body must be a JSON object, got a list"),
        (action("growcrm", "update_contact", params: ["id": "4"], body: #"{"first_name": "J", "email": "a@b.io"}"#),
         "growcrm update_contact: last_name is required"),
        (action("growcrm", "get_contact", params: ["id": "4", "foo": "1"]), "growcrm get_contact: unknown parameter foo"),
        (action("growcrm", "get_contact", params: ["id": "4 "]), #"growcrm get_contact: path parameter id "4 " is not an integer"#),
        (action("growcrm", "delete_contact", params: [:]), "growcrm delete_contact: path parameter id is missing"),
        (action("growcrm", "delete_contact", params: ["id": "4"], body: #"{"x": 1}"#), "growcrm delete_contact: takes no body"),
        (action("growcrm", "list_contacts", params: ["account_owner": "maybe"]),
         #"growcrm list_contacts: account_owner must be one of yes, no, got "maybe""#),
        (action("growcrm", "list_contacts", params: ["limit": "101"]), "growcrm list_contacts: limit must be an integer from 1 to 100, got 101"),
        (action("yunojuno", "invite_contact", body: #"{"first_name": "J", "last_name": "D"}"#), "yunojuno invite_contact: email is required"),
        (action("yunojuno", "invite_contact", body: #"{"email": "j@d.io", "first_name": "\#(string(151))", "last_name": "D"}"#),
         "yunojuno invite_contact: first_name is longer than 150 characters (151)"),
        (action("yunojuno", "invite_contact", body: #"{"email": "j@d.io", "first_name": "J", "last_name": "  "}"#),
         "yunojuno invite_contact: last_name is empty"),
        (action("yunojuno", "invite_contact", body: #"{"email": "j@d.io", "first_name": "J", "last_name": "D", "invite_message": "\#(string(1001))"}"#),
         "yunojuno invite_contact: invite_message is longer than 1000 characters (1001)"),
        (action("yunojuno", "invite_contact", body: #"{"email": "j@d.io", "first_name": "J", "last_name": "D", "custom_fields": [{"value": 1}]}"#),
         "yunojuno invite_contact: custom_fields item 1 needs a name"),
        (action("yunojuno", "update_custom_fields", params: ["client_contact_id": "clct_1"], body: #"{"custom_fields": []}"#),
         "yunojuno update_custom_fields: custom_fields must not be empty"),
        (action("yunojuno", "update_custom_fields", params: ["client_contact_id": "clct_1"], body: #"{"custom_fields": [{"name": "a", "value": [1]}]}"#),
         #"yunojuno update_custom_fields: custom_fields item 1 ("a") value must be text, a number, a boolean or null"#),
        (action("yunojuno", "update_custom_fields", body: #"{"custom_fields": [{"name": "a", "value": 1}]}"#),
         "yunojuno update_custom_fields: path parameter client_contact_id is missing"),
        (action("yunojuno", "update_custom_fields", params: ["client_contact_id": ".."], body: #"{"custom_fields": [{"name": "a", "value": 1}]}"#),
         #"yunojuno update_custom_fields: path parameter client_contact_id ".." is not an identifier"#),
        (action("roosted", "create_client", body: #"{"client_name": ""}"#), "roosted create_client: client_name is empty"),
        (action("roosted", "create_client", body: #"{"client_name": "\#(string(256))"}"#),
         "roosted create_client: client_name is longer than 255 characters (256)"),
        (action("roosted", "create_client", body: #"{"client_name": "A", "client_contact_email": "\#(string(256))"}"#),
         "roosted create_client: client_contact_email is longer than 255 characters (256)"),
        (action("roosted", "create_client", body: #"{"client_name": 5}"#), "roosted create_client: client_name must be text, got 5"),
        (action("roosted", "list_clients", params: ["items_per_page": "0"]),
         "roosted list_clients: items_per_page must be an integer from 1 to 100, got 0"),
        (action("roosted", "list_clients", params: ["page": "first"]),
         #"roosted list_clients: page must be an integer of at least 1, got "first""#),
        (action("luminous", "create_contact", body: #"{"first_name": "A", "company_id": 1, "company_ids": [2]}"#),
         "luminous create_contact: give only one of company_id, company_ids"),
        (action("luminous", "create_contact", body: #"{"first_name": "A"}"#), "luminous create_contact: company_id or company_ids is required"),
        (action("luminous", "create_contact", body: #"{"first_name": "A", "company_id": 1.5}"#),
         "luminous create_contact: company_id must be an integer, got 1.5"),
        (action("luminous", "create_contact", body: #"{"first_name": "A", "company_ids": []}"#),
         "luminous create_contact: company_ids must be a non-empty list of integers, got a list"),
        (action("luminous", "create_contact", body: #"{"first_name": "A", "company_id": 1, "is_primary": "yes"}"#),
         #"luminous create_contact: is_primary must be true or false, got "yes""#),
        (action("luminous", "create_contact", body: #"{"first_name": "A", "company_id": 1, "tags": ["ok", 7]}"#),
         "luminous create_contact: tags item 2 must be text, got 7"),
        (action("luminous", "create_contact", body: #"{"first_name": "A", "company_id": 1, "phone_1": "\#(string(256))"}"#),
         "luminous create_contact: phone_1 is longer than 255 characters (256)"),
        (action("luminous", "update_contact", params: ["id": "abc"], body: #"{"last_name": "B"}"#),
         #"luminous update_contact: path parameter id "abc" is not an integer"#),
        (action("luminous", "find_contacts", params: ["company_id": "1", "email": "x"]),
         #"luminous find_contacts: email "x" is not an email address"#),
        (action("mailchimp", "subscribe"), #"unknown api "mailchimp" (known: growcrm, luminous, roosted, yunojuno)"#),
        (action("growcrm", "create_client"),
         #"growcrm: unknown operation "create_client" (known: create_contact, update_contact, get_contact, delete_contact, list_contacts, set_account_owner)"#),
    ]

    func testInvalidActionsFailPermanentlyAndSendNothing() async throws {
        let h = try Harness()
        defer { h.stop() }
        for (action, expected) in Self.cases {
            let outcome = await h.perform(action)
            XCTAssertEqual(outcome, .permanent(status: nil, error: expected))
            XCTAssertEqual(h.connectors.validate(action), expected)
        }
        XCTAssertEqual(h.allRequests.map(\.target), [], "validation failures send nothing")
    }

    func testValidActionsValidate() throws {
        let connectors = ConnectorSet(settings: ConnectorSettings(
            yunojuno: APIEndpoint(baseURL: "http://127.0.0.1:1", auth: .oauthClientCredentials(clientID: "id", clientSecret: "secret")),
            luminous: APIEndpoint(baseURL: "http://127.0.0.1:1", auth: .bearer(token: "t")),
            growcrm: APIEndpoint(baseURL: "http://127.0.0.1:1", auth: .bearer(token: "t"))))
        XCTAssertNil(connectors.validate(action("growcrm", "create_contact", body: GrowCRMTests.jane)))
        XCTAssertNil(connectors.validate(action("growcrm", "list_contacts")))
        XCTAssertNil(connectors.validate(action("growcrm", "set_account_owner", params: ["id": "12"])))
        XCTAssertNil(connectors.validate(action("yunojuno", "invite_contact", body: YunoJunoTests.invite)))
        XCTAssertNil(connectors.validate(action("luminous", "create_contact", body: #"{"first_name": "A", "company_ids": ["1", 2], "email": null}"#)))
        XCTAssertEqual(connectors.validate(action("roosted", "create_client", body: #"{"client_name": "A"}"#)),
                       "roosted create_client: Roosted is not configured")
    }

    func testNotConfiguredIsPermanent() async throws {
        let connectors = ConnectorSet(settings: ConnectorSettings())
        let outcome = await withCheckedContinuation { continuation in
            connectors.perform(action("roosted", "get_client", params: ["id": "x"]), mode: .fresh) { outcome, latency in
                continuation.resume(returning: outcome)
            }
        }
        XCTAssertEqual(outcome, .permanent(status: nil, error: "roosted get_client: Roosted is not configured"))
    }
}
