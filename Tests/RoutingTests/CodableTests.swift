import Foundation
import Routing
import XCTest

final class CodableTests: XCTestCase {
    private func roundTrip<T: Codable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws -> T {
        let data = try JSONEncoder().encode(value)
        let back = try JSONDecoder().decode(T.self, from: data)
        XCTAssertEqual(back, value, file: file, line: line)
        return back
    }

    func testRuleRoundTripsWithEveryPart() throws {
        let rule = Rule(
            name: "contact-to-crm",
            when: .patterns(["client.client_contact.created", "client.contract.*"]),
            condition: .all([
                .exists(path: "data.object.email"), .not(.equals(path: "mode", value: .string("test"))),
                .any([.oneOf(path: "n", values: [.int(1), .string("2"), .null]), .prefix(path: "id", value: "clct_")]),
            ]),
            key: .string("{{ data.object.email | lower }}"),
            actions: [
                ActionTemplate(name: "crm-contact", api: "growcrm", operation: "create_contact",
                               body: json(#"{"email": "{{ data.object.email | lower }}", "clientid": 1, "tags": ["a", "{{ x | optional }}"]}"#)),
                ActionTemplate(name: "crm-owner", api: "growcrm", operation: "set_account_owner",
                               params: ["id": .string("{{ $actions.crm-contact.id }}")]),
            ],
            notify: ["ops-team"])
        _ = try roundTrip(rule)
    }

    func testMinimalRuleRoundTrips() throws {
        let rule = Rule(name: "r", actions: [ActionTemplate(name: "a", api: "x", operation: "y")])
        _ = try roundTrip(rule)
        XCTAssertEqual(rule.json, json(#"{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y", "params": {}}]}"#))
    }

    func testSinglePatternEncodesAsText() throws {
        let rule = Rule(name: "r", when: .patterns(["a.b"]), actions: [ActionTemplate(name: "a", api: "x", operation: "y")])
        XCTAssertEqual(try roundTrip(rule).json[path: "when.type"], .string("a.b"))
    }

    func testActionTemplateRoundTripsAndKeepsItsTemplatesVerbatim() throws {
        let action = ActionTemplate(name: "yj-fields", api: "yunojuno", operation: "update_custom_fields",
                                    params: ["client_contact_id": .string("{{ data.object.client_contact_id }}")],
                                    body: json(#"{"custom_fields": [{"name": "crm_id", "value": "{{ $actions.crm-contact.id }}"}]}"#))
        let data = try JSONEncoder().encode(action)
        let stored = try JSONValue.parse(Array(data))
        XCTAssertEqual(stored[path: "body.custom_fields.0.value"], .string("{{ $actions.crm-contact.id }}"))
        _ = try roundTrip(action)
    }

    func testNullBodyIsKeptDistinctFromNoBody() throws {
        _ = try roundTrip(ActionTemplate(name: "a", api: "x", operation: "y", body: .null))
    }

    func testDecodingAppliesTheRouteFileChecks() {
        let bad = [
            #"{"name": "r", "actions": []}"#,
            #"{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y", "body": "{{ a | lowr }}"}]}"#,
            #"{"name": "r", "if": {"bogus": 1}, "actions": [{"name": "a", "api": "x", "operation": "y"}]}"#,
        ]
        for text in bad {
            XCTAssertThrowsError(try JSONDecoder().decode(Rule.self, from: Data(text.utf8)), text)
        }
        XCTAssertThrowsError(try JSONDecoder().decode(ActionTemplate.self, from: Data(#"{"name": "a", "api": "x"}"#.utf8)))
    }

    func testConditionAndMatcherCodeAsRouteFileJSON() throws {
        let condition = Condition.oneOf(path: "mode", values: [.string("live")])
        XCTAssertEqual(try JSONValue.parse(Array(JSONEncoder().encode(condition))), json(#"{"in": {"path": "mode", "values": ["live"]}}"#))
        _ = try roundTrip(condition)
        _ = try roundTrip(TypeMatcher.any)
        _ = try roundTrip(TypeMatcher.patterns(["a", "b.*"]))
    }
}
