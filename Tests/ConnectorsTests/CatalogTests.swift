import Connectors
import Routing
import XCTest

final class CatalogTests: XCTestCase {
    func testCatalogListsEveryOperationWithItsParametersAndRequiredFields() {
        XCTAssertEqual(OperationCatalog.all, [
            OperationSpec(api: "yunojuno", operation: "invite_contact", requiredFields: ["email", "first_name", "last_name"]),
            OperationSpec(api: "yunojuno", operation: "update_custom_fields", pathParameters: ["client_contact_id"], requiredFields: ["custom_fields"]),
            OperationSpec(api: "roosted", operation: "create_client", requiredFields: ["client_name"]),
            OperationSpec(api: "roosted", operation: "get_client", pathParameters: ["id"]),
            OperationSpec(api: "roosted", operation: "list_clients", queryParameters: ["items_per_page", "page"]),
            OperationSpec(api: "luminous", operation: "create_contact", requiredFields: ["first_name"]),
            OperationSpec(api: "luminous", operation: "update_contact", pathParameters: ["id"]),
            OperationSpec(api: "luminous", operation: "get_contact", pathParameters: ["id"]),
            OperationSpec(api: "luminous", operation: "find_contacts", pathParameters: ["company_id"], queryParameters: ["email", "page", "limit"]),
            OperationSpec(api: "growcrm", operation: "create_contact", requiredFields: ["first_name", "last_name", "email", "clientid"]),
            OperationSpec(api: "growcrm", operation: "update_contact", pathParameters: ["id"], requiredFields: ["first_name", "last_name", "email"]),
            OperationSpec(api: "growcrm", operation: "get_contact", pathParameters: ["id"]),
            OperationSpec(api: "growcrm", operation: "delete_contact", pathParameters: ["id"]),
            OperationSpec(api: "growcrm", operation: "list_contacts",
                          queryParameters: ["status", "client_id", "account_owner", "search", "sort", "order", "limit", "page"]),
            OperationSpec(api: "growcrm", operation: "set_account_owner", pathParameters: ["id"]),
        ])
    }

    func testRouteCheckerUsesTheCatalog() {
        func route(_ body: String) -> String {
            """
            {
              "event": {"type": "event_type"},
              "rules": [
                {"name": "contact-to-crm", "when": {"type": "client.client_contact.created"},
                 "actions": [
                   {"name": "crm-contact", "api": "growcrm", "operation": "create_contact", "body": \(body)},
                   {"name": "crm-owner", "api": "growcrm", "operation": "set_account_owner", "params": {"id": "{{ $actions.crm-contact.id }}"}}
                 ]}
              ]
            }
            """
        }
        let good = route(#"{"first_name": "{{ data.object.first_name }}", "last_name": "L", "email": "{{ data.object.email }}", "clientid": 1}"#)
        XCTAssertEqual(RouteChecker.check(file: "r.json", text: good, operations: OperationCatalog.all).map(\.description), [])
        let missing = route(#"{"first_name": "F", "last_name": "L", "email": "e@x.io"}"#)
        let diagnostics = RouteChecker.check(file: "r.json", text: missing, operations: OperationCatalog.all).map(\.description)
        XCTAssertEqual(diagnostics.count, 1)
        XCTAssertTrue(diagnostics.first?.contains("missing required field 'clientid' for growcrm.create_contact") == true, "\(diagnostics)")
    }

    /// What the connector would refuse in every event is refused when the route loads: a
    /// literal of the wrong kind, a required group left out, a body where none is taken.
    /// Placeholders are only known per event and are not judged here.
    func testLiteralsTheAPIWouldRefuseAreReportedAtLoad() {
        func action(_ api: String, _ operation: String, _ extra: String) -> String {
            """
            {"rules": [{"name": "r", "actions": [{"name": "a", "api": "\(api)", "operation": "\(operation)", \(extra)}]}]}
            """
        }
        let bad: [(String, String)] = [
            (action("growcrm", "create_contact", #""body": {"first_name": "F", "last_name": "L", "email": "e@x.io", "clientid": 1, "send_email": false}"#),
             "send_email"),
            (action("growcrm", "create_contact", #""body": {"first_name": "F", "last_name": "L", "email": "not an address", "clientid": 1}"#), "email"),
            (action("luminous", "create_contact", #""body": {"first_name": "F"}"#), "company_id or company_ids is required"),
            (action("growcrm", "set_account_owner", #""params": {"id": "1"}, "body": {"x": 1}"#), "takes no body"),
        ]
        for (text, expected) in bad {
            let diagnostics = RouteChecker.check(file: "r.json", text: text, operations: OperationCatalog.all).map(\.description)
            XCTAssertEqual(diagnostics.count, 1, "\(text): \(diagnostics)")
            XCTAssertTrue(diagnostics.first?.contains(expected) == true, "\(diagnostics)")
        }
        let templated = action("growcrm", "create_contact",
                               #""body": {"first_name": "F", "last_name": "L", "email": "{{ data.email }}", "clientid": "{{ data.client }}", "send_email": "no"}"#)
        XCTAssertEqual(RouteChecker.check(file: "r.json", text: templated, operations: OperationCatalog.all).map(\.description), [])
    }
}
