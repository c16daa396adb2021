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
}
