import Foundation
import Routing
import XCTest

final class RouteRulesTests: XCTestCase {
    static let document = """
        {
          "verify": {"scheme": "svix", "secrets": [{"env": "YJ"}]},
          "event": {"type": "event_type"},
          "example": {"event_type": "client.client_contact.created", "mode": "live", "data": {"object": {"email": "A@B.C"}}},
          "rules": [
            {"name": "contact-to-crm",
             "when": {"type": ["client.client_contact.created", "client.client_contact.registered"]},
             "if": {"all": [{"exists": "data.object.email"}, {"not": {"equals": {"path": "mode", "value": "test"}}}]},
             "key": "{{ data.object.email | lower }}",
             "actions": [
               {"name": "crm-contact", "api": "growcrm", "operation": "create_contact",
                "body": {"email": "{{ data.object.email | lower }}", "clientid": 1, "phone": "{{ data.object.phone | optional }}"}},
               {"name": "crm-owner", "api": "growcrm", "operation": "set_account_owner", "params": {"id": "{{ $actions.crm-contact.id }}"}}
             ],
             "notify": ["ops-team"]},
            {"name": "contracts", "when": {"type": "client.contract.*"},
             "actions": [{"name": "log", "api": "luminous", "operation": "create_contact", "description": "a comment"}]},
            {"name": "everything", "actions": [{"name": "all", "api": "roosted", "operation": "create_client"}]}
          ]
        }
        """

    func testParsesEveryPartOfARule() throws {
        let routes = try RouteRules.parse(source: "yunojuno", document: json(Self.document))
        XCTAssertEqual(routes.source, "yunojuno")
        XCTAssertEqual(routes.rules.count, 3)
        XCTAssertEqual(routes.example?[path: "data.object.email"], .string("A@B.C"))
        let rule = routes.rules[0]
        XCTAssertEqual(rule.name, "contact-to-crm")
        XCTAssertEqual(rule.when, .patterns(["client.client_contact.created", "client.client_contact.registered"]))
        XCTAssertEqual(rule.condition, .all([.exists(path: "data.object.email"), .not(.equals(path: "mode", value: .string("test")))]))
        XCTAssertEqual(rule.key, .string("{{ data.object.email | lower }}"))
        XCTAssertEqual(rule.notify, ["ops-team"])
        XCTAssertEqual(rule.actions.map(\.name), ["crm-contact", "crm-owner"])
        XCTAssertEqual(rule.actions[1], ActionTemplate(
            name: "crm-owner", api: "growcrm", operation: "set_account_owner", params: ["id": .string("{{ $actions.crm-contact.id }}")]))
        XCTAssertNil(rule.actions[1].body)
        XCTAssertEqual(routes.rules[2].when, .any)
        XCTAssertNil(routes.rules[2].condition)
        XCTAssertEqual(routes.rules[2].notify, [])
    }

    func testMatchingPicksRulesByTypeAndCondition() throws {
        let routes = try RouteRules.parse(source: "yunojuno", document: json(Self.document))
        let live = json(#"{"mode": "live", "data": {"object": {"email": "a@b.c"}}}"#)
        let test = json(#"{"mode": "test", "data": {"object": {"email": "a@b.c"}}}"#)
        XCTAssertEqual(routes.matching(eventType: "client.client_contact.created", body: live).map(\.name), ["contact-to-crm", "everything"])
        XCTAssertEqual(routes.matching(eventType: "client.client_contact.created", body: test).map(\.name), ["everything"])
        XCTAssertEqual(routes.matching(eventType: "client.contract.approved", body: live).map(\.name), ["contracts", "everything"])
        XCTAssertEqual(routes.matching(eventType: nil, body: live).map(\.name), ["everything"])
    }

    func testFileWithoutRulesHasNone() throws {
        let routes = try RouteRules.parse(source: "signup-form", document: json(#"{"verify": {"scheme": "hmac"}, "event": {"type": "kind"}}"#))
        XCTAssertEqual(routes.rules, [])
        XCTAssertNil(routes.example)
    }

    func testStructuralErrorsAreRejectedWithTheirPlace() {
        let cases: [(String, String)] = [
            (#"[]"#, "a route file must be a JSON object"),
            (#"{"rules": {}}"#, "\"rules\" must be a list in rules"),
            (#"{"rules": [{"actions": [{"name": "a", "api": "x", "operation": "y"}]}]}"#, "missing \"name\" in rules[0]"),
            (#"{"rules": [{"name": "r"}]}"#, "missing \"actions\" in rules[0]"),
            (#"{"rules": [{"name": "r", "actions": []}]}"#, "\"actions\" must be a non-empty list in rules[0].actions"),
            (#"{"rules": [{"name": "r", "acions": [], "actions": [{"name": "a", "api": "x", "operation": "y"}]}]}"#,
             "unknown key 'acions' (expected actions, description, if, key, name, notify, when) in rules[0].acions"),
            (#"{"rules": [{"name": "r", "actions": [{"name": "a", "operation": "y"}]}]}"#, "missing \"api\" in rules[0].actions[0]"),
            (#"{"rules": [{"name": "r", "actions": [{"name": "a.b", "api": "x", "operation": "y"}]}]}"#,
             "bad action name 'a.b' (letters, digits, '-' and '_' only) in rules[0].actions[0].name"),
            (#"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y", "params": ["id"]}]}]}"#,
             "\"params\" must be an object of path parameters in rules[0].actions[0].params"),
            (#"{"rules": [{"name": "r", "notify": "ops", "actions": [{"name": "a", "api": "x", "operation": "y"}]}]}"#,
             "must be a list of non-empty text in rules[0].notify"),
            (#"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y"}, {"name": "a", "api": "x", "operation": "y"}]}]}"#,
             "duplicate action name 'a' in rules[0].actions[1].name"),
            (#"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y", "params": {"id": "{{ $actions.b.id }}"}}, {"name": "b", "api": "x", "operation": "y"}]}]}"#,
             "'$actions.b' is not an earlier action of this rule in rules[0].actions[0].params.id"),
            (#"{"rules": [{"name": "r", "key": "{{ $actions.a.id }}", "actions": [{"name": "a", "api": "x", "operation": "y"}]}]}"#,
             "'$actions.a' is not an earlier action of this rule in rules[0].key"),
            (#"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y", "body": {"t": "{{ $event.kind }}"}}]}]}"#,
             "unknown event field '$event.kind' (id, type, source, received_at) in rules[0].actions[0].body.t"),
            (#"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y", "body": {"t": "{{ x | lowr }}"}}]}]}"#,
             "unknown filter 'lowr' in rules[0].actions[0].body.t"),
            (#"{"example": [], "rules": []}"#, "\"example\" must be an object (an event body) in example"),
        ]
        for (document, message) in cases {
            XCTAssertThrowsError(try RouteRules.parse(source: "s", document: json(document)), document) { error in
                XCTAssertEqual(error as? RouteError, RouteError(message: message), document)
            }
        }
    }

    func testSelfReferenceIsNotAnEarlierAction() {
        let document = #"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y", "body": {"t": "{{ $actions.a.id }}"}}]}]}"#
        XCTAssertThrowsError(try RouteRules.parse(source: "s", document: json(document)))
    }

    func testDuplicateRuleNamesAreRejected() {
        let document = #"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y"}]}, {"name": "r", "actions": [{"name": "a", "api": "x", "operation": "y"}]}]}"#
        XCTAssertThrowsError(try RouteRules.parse(source: "s", document: json(document))) { error in
            XCTAssertEqual((error as? RouteError)?.message, "duplicate rule name 'r' in rules[1].name")
        }
    }

    func testParsingTextGivesTheLineOfTheFirstProblem() {
        let text = lines(
            #"{"rules": ["#,
            #"  {"name": "r","#,
            #"   "actions": [{"name": "a", "api": "x", "operation": "y","#,
            #"                "body": {"e": "{{ x | lowr }}"}}]}"#,
            #"]}"#)
        XCTAssertThrowsError(try RouteRules.parse(source: "s", text: text)) { error in
            XCTAssertEqual(error as? RouteError, RouteError(message: "unknown filter 'lowr' in rules[0].actions[0].body.e", line: 4))
            XCTAssertEqual(String(describing: error), "line 4: unknown filter 'lowr' in rules[0].actions[0].body.e")
        }
        XCTAssertThrowsError(try RouteRules.parse(source: "s", text: "{\n  \"rules\": [,]\n}")) { error in
            XCTAssertEqual((error as? RouteError)?.line, 2)
        }
    }

    func testAnActionRendersParamsAndBody() throws {
        let routes = try RouteRules.parse(source: "yunojuno", document: json(Self.document))
        let context = TemplateRenderer.context(
            body: json(#"{"data": {"object": {"email": "Ada@Example.com"}}}"#), eventID: "e1", eventType: "t", source: "yunojuno",
            receivedAt: "now", actions: ["crm-contact": json(#"{"id": 45}"#)])
        let first = try routes.rules[0].actions[0].render(context: context)
        XCTAssertEqual(first, RenderedAction(
            name: "crm-contact", api: "growcrm", operation: "create_contact", params: [:],
            body: json(#"{"email": "ada@example.com", "clientid": 1}"#)))
        let second = try routes.rules[0].actions[1].render(context: context)
        XCTAssertEqual(second.params, ["id": "45"])
        XCTAssertNil(second.body)
        XCTAssertEqual(try routes.rules[0].renderKey(context: context), "ada@example.com")
        XCTAssertNil(try routes.rules[2].renderKey(context: context))
    }

    func testPathParametersMustBeText() {
        let action = ActionTemplate(name: "a", api: "x", operation: "y", params: ["id": .string("{{ data }}"), "other": .string("{{ e | default:'' }}")])
        let context = json(#"{"data": {"id": 1}}"#)
        XCTAssertThrowsError(try action.render(context: context)) { error in
            XCTAssertEqual((error as? TemplateError)?.field, "params.id")
        }
        let missing = ActionTemplate(name: "a", api: "x", operation: "y", params: ["id": .string("{{ data.nope }}")])
        XCTAssertThrowsError(try missing.render(context: context)) { error in
            XCTAssertEqual(error as? TemplateError, TemplateError(field: "params.id", path: "data.nope", message: "no value at 'data.nope' (add | default:'...' or | optional)"))
        }
    }
}
