import Routing
import XCTest

final class RouteCheckerTests: XCTestCase {
    let operations = [
        OperationSpec(api: "growcrm", operation: "create_contact", requiredFields: ["first_name", "last_name", "email", "clientid"]),
        OperationSpec(api: "growcrm", operation: "set_account_owner", pathParameters: ["id"]),
        OperationSpec(api: "yunojuno", operation: "update_custom_fields", pathParameters: ["client_contact_id"], requiredFields: ["custom_fields"]),
    ]

    /// A rule file with every feature, and no problems. Bad variants below edit one line of it.
    let good = [
        "{",                                                                                                  // 1
        #"  "verify": {"scheme": "svix", "secrets": [{"env": "YJ"}]},"#,                                      // 2
        #"  "event": {"type": "event_type"},"#,                                                               // 3
        #"  "example": {"event_type": "client.client_contact.created", "mode": "live","#,                     // 4
        #"              "data": {"object": {"email": "Ada@Example.com", "first_name": " Ada ", "last_name": "L", "client_contact_id": "clct_1"}}},"#, // 5
        #"  "rules": ["#,                                                                                     // 6
        #"    {"name": "contact-to-crm","#,                                                                   // 7
        #"     "when": {"type": ["client.client_contact.created", "client.client_contact.registered"]},"#,    // 8
        #"     "if": {"all": [{"exists": "data.object.email"}, {"not": {"equals": {"path": "mode", "value": "test"}}}]},"#, // 9
        #"     "key": "{{ data.object.email | lower }}","#,                                                   // 10
        #"     "actions": ["#,                                                                                // 11
        #"       {"name": "crm-contact", "api": "growcrm", "operation": "create_contact","#,                  // 12
        #"        "body": {"first_name": "{{ data.object.first_name | trim }}", "last_name": "{{ data.object.last_name }}","#, // 13
        #"                 "email": "{{ data.object.email | lower }}", "clientid": 1,"#,                      // 14
        #"                 "phone": "{{ data.object.phone | optional }}", "position": "{{ data.object.position | default:'Contractor' }}"}},"#, // 15
        #"       {"name": "crm-owner", "api": "growcrm", "operation": "set_account_owner","#,                 // 16
        #"        "params": {"id": "{{ $actions.crm-contact.id }}"}},"#,                                      // 17
        #"       {"name": "yj-fields", "api": "yunojuno", "operation": "update_custom_fields","#,             // 18
        #"        "params": {"client_contact_id": "{{ data.object.client_contact_id }}"},"#,                  // 19
        #"        "body": {"custom_fields": [{"name": "crm_id", "value": "{{ $actions.crm-contact.id }}"}, {"name": "src", "value": "{{ $event.source }}"}]}}"#, // 20
        #"     ],"#,                                                                                          // 21
        #"     "notify": ["ops-team"]}"#,                                                                     // 22
        #"  ]"#,                                                                                              // 23
        "}",                                                                                                  // 24
    ]

    private func check(_ fileLines: [String]) -> [String] {
        RouteChecker.check(file: "routes/yunojuno.json", text: fileLines.joined(separator: "\n"), operations: operations).map(\.description)
    }

    /// The good file with line `number` (1-based) replaced.
    private func good(replacing number: Int, with text: String) -> [String] {
        var copy = good
        copy[number - 1] = text
        return copy
    }

    private func route(condition: String) -> String {
        #"{"example": {"data": {"id": 1}}, "rules": [{"name": "r", "if": \#(condition), "actions": [{"name": "a", "api": "growcrm", "operation": "set_account_owner", "params": {"id": "{{ data.id }}"}}]}]}"#
    }

    /// A condition sees the body only: a `$event` path is refused where it is written, at load
    /// and by the checker, instead of never matching (or matching a body's own `$event` key).
    /// Misspelt settings were dropped silently: `"rule": [...]` loaded no rules, so every event
    /// was accepted and routed nowhere, and a misspelt tolerance fell back to the default.
    func testUnknownKeysAtEveryLevelOfTheFileAreRefused() {
        let cases = [
            (#"{"verify": {"scheme": "svix", "secrets": [{"env": "YJ"}]}, "rule": []}"#, "unknown key 'rule'"),
            (#"{"verify": {"scheme": "svix", "secrets": [{"env": "YJ"}], "tolerance_second": 60}}"#, "unknown key 'tolerance_second'"),
            (#"{"verify": {"scheme": "hmac", "secrets": [{"env": "K"}], "hmac": {"header": "X-Sig", "encodng": "hex"}}}"#, "unknown key 'encodng'"),
            (#"{"verify": {"scheme": "svix", "secrets": [{"env": "YJ"}]}, "event": {"typ": "event_type"}}"#, "unknown key 'typ'"),
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try RouteRules.parse(source: "s", text: text), text) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
            XCTAssertEqual(RouteChecker.check(file: "s.json", text: text, operations: operations).count, 1, text)
        }
    }

    func testAConditionOnAnEventFieldIsRefused() {
        let text = route(condition: #"{"equals": {"path": "$event.type", "value": "x"}}"#)
        XCTAssertThrowsError(try RouteRules.parse(source: "s", text: text)) { error in
            XCTAssertTrue("\(error)".contains("not a body path"), "\(error)")
        }
        XCTAssertEqual(RouteChecker.check(file: "s.json", text: text, operations: operations).count, 1)
    }

    /// An ordering key that renders empty (a null or missing value) is an error, not one lane
    /// shared by every such event.
    func testAnOrderingKeyThatRendersEmptyIsAnError() throws {
        let rules = try RouteRules.parse(source: "s", text: #"{"rules": [{"name": "r", "key": "{{ data.email | lower }}", "actions": [{"name": "a", "api": "growcrm", "operation": "set_account_owner", "params": {"id": "1"}}]}]}"#)
        let rule = try XCTUnwrap(rules.rules.first)
        XCTAssertEqual(try rule.renderKey(context: .object(["data": .object(["email": .string("A@X")])])), "a@x")
        XCTAssertThrowsError(try rule.renderKey(context: .object(["data": .object(["email": .null])])))
    }

    func testGoodFileHasNoDiagnostics() {
        XCTAssertEqual(check(good), [])
    }

    func testGoodFileLoads() throws {
        let routes = try RouteRules.parse(source: "yunojuno", text: good.joined(separator: "\n"))
        XCTAssertEqual(routes.rules.first?.actions.map(\.name), ["crm-contact", "crm-owner", "yj-fields"])
    }

    func testDescriptionFormat() {
        XCTAssertEqual(Diagnostic(file: "routes/x.json", line: 12, message: "unknown filter 'lowr' in rules[0].actions[1].body.email").description,
                       "routes/x.json:12: unknown filter 'lowr' in rules[0].actions[1].body.email")
    }

    func testInvalidJSONGivesTheLineOfTheError() {
        XCTAssertEqual(check(good(replacing: 10, with: #"     "key": "{{ data.object.email | lower }}""#)),
                       ["routes/yunojuno.json:11: invalid JSON: expected ',' or '}' after a member of an object"])
        XCTAssertEqual(check(good(replacing: 22, with: #"     "notify": ["ops-team",]}"#)),
                       ["routes/yunojuno.json:22: invalid JSON: unexpected character ']'"])
    }

    func testUnknownApiAndOperation() {
        XCTAssertEqual(check(good(replacing: 16, with: #"       {"name": "crm-owner", "api": "growcrn", "operation": "set_account_owner","#)),
                       ["routes/yunojuno.json:16: unknown api 'growcrn' (known: growcrm, yunojuno) in rules[0].actions[1].api"])
        XCTAssertEqual(check(good(replacing: 16, with: #"       {"name": "crm-owner", "api": "growcrm", "operation": "set_owner","#)),
                       ["routes/yunojuno.json:16: unknown operation 'set_owner' for api 'growcrm' in rules[0].actions[1].operation"])
    }

    func testMissingAndUnknownPathParameters() {
        XCTAssertEqual(check(good(replacing: 17, with: #"        "params": {"ident": "{{ $actions.crm-contact.id }}"}},"#)), [
            "routes/yunojuno.json:17: missing path parameter 'id' for growcrm.set_account_owner in rules[0].actions[1].params",
            "routes/yunojuno.json:17: unknown parameter 'ident' for growcrm.set_account_owner in rules[0].actions[1].params.ident",
        ])
        var withoutParams = good
        withoutParams[15] = #"       {"name": "crm-owner", "api": "growcrm", "operation": "set_account_owner"},"#
        withoutParams[16] = ""
        XCTAssertEqual(check(withoutParams),
                       ["routes/yunojuno.json:16: missing path parameter 'id' for growcrm.set_account_owner in rules[0].actions[1].params"])
    }

    func testMissingRequiredBodyField() {
        XCTAssertEqual(check(good(replacing: 14, with: #"                 "email": "{{ data.object.email | lower }}","#)),
                       ["routes/yunojuno.json:13: missing required field 'clientid' for growcrm.create_contact in rules[0].actions[0].body"])
        // Any template satisfies a required field, even one that may be dropped.
        XCTAssertEqual(check(good(replacing: 14, with: #"                 "email": "{{ data.object.email | lower }}", "clientid": "{{ data.object.client | optional }}","#)), [])
    }

    func testUnknownFilterAndMalformedPlaceholder() {
        XCTAssertEqual(check(good(replacing: 14, with: #"                 "email": "{{ data.object.email | lowr }}", "clientid": 1,"#)),
                       ["routes/yunojuno.json:14: unknown filter 'lowr' in rules[0].actions[0].body.email"])
        XCTAssertEqual(check(good(replacing: 10, with: #"     "key": "{{ data.object.email | lower","#)),
                       [#"routes/yunojuno.json:10: malformed placeholder: '{{' without '}}' in "{{ data.object.email | lower" in rules[0].key"#])
    }

    func testBadConditionShape() {
        XCTAssertEqual(check(good(replacing: 9, with: #"     "if": {"all": [{"exists": "data.object.email"}, {"not": {"equals": {"path": "mode"}}}]},"#)),
                       [#"routes/yunojuno.json:9: bad condition: equals needs {"path": "...", "value": ...} in rules[0].if.all[1].not.equals"#])
        // The condition spread over two lines: the diagnostic points at the second.
        let twoLines = good(replacing: 9, with: #"     "if": {"any": [{"exists": "data.object.email"},"# + "\n" +
                            #"        {"equal": {"path": "mode", "value": "test"}}]},"#)
        XCTAssertEqual(check(twoLines), [
            "routes/yunojuno.json:10: bad condition: unknown kind 'equal' (expected one of equals, exists, in, prefix, all, any, not) in rules[0].if.any[1].equal",
        ])
    }

    func testDuplicateActionNames() {
        XCTAssertEqual(check(good(replacing: 18, with: #"       {"name": "crm-owner", "api": "yunojuno", "operation": "update_custom_fields","#)),
                       ["routes/yunojuno.json:18: duplicate action name 'crm-owner' in rules[0].actions[2].name"])
    }

    func testActionsMustReferToEarlierActions() {
        XCTAssertEqual(check(good(replacing: 17, with: #"        "params": {"id": "{{ $actions.yj-fields.id }}"}},"#)),
                       ["routes/yunojuno.json:17: '$actions.yj-fields' is not an earlier action of this rule in rules[0].actions[1].params.id"])
        XCTAssertEqual(check(good(replacing: 17, with: #"        "params": {"id": "{{ $actions.crm-owner.id }}"}},"#)),
                       ["routes/yunojuno.json:17: '$actions.crm-owner' is not an earlier action of this rule in rules[0].actions[1].params.id"])
    }

    func testPathsMustResolveInTheExample() {
        XCTAssertEqual(check(good(replacing: 13, with: #"        "body": {"first_name": "{{ data.object.firstname | trim }}", "last_name": "{{ data.object.last_name }}","#)),
                       ["routes/yunojuno.json:13: path 'data.object.firstname' is not in the example in rules[0].actions[0].body.first_name"])
        XCTAssertEqual(check(good(replacing: 9, with: #"     "if": {"all": [{"exists": "data.object.mail"}, {"not": {"equals": {"path": "data.mode", "value": "test"}}}]},"#)), [
            "routes/yunojuno.json:9: path 'data.object.mail' is not in the example in rules[0].if.all[0].exists",
            "routes/yunojuno.json:9: path 'data.mode' is not in the example in rules[0].if.all[1].not.equals.path",
        ])
    }

    func testOptionalDefaultAndActionPathsNeedNoExample() {
        // phone and position are absent from the example but guarded; $actions results never are in it.
        XCTAssertTrue(good[14].contains("data.object.phone | optional") && good[14].contains("data.object.position | default"))
        XCTAssertEqual(check(good), [])
    }

    func testWithoutAnExampleOnlyStructureIsChecked() {
        var noExample = good
        noExample[3] = ""
        noExample[4] = ""
        XCTAssertEqual(check(noExample.map { $0.replacingOccurrences(of: "data.object.email | lower", with: "data.object.mail | lower") }), [])
    }

    func testEventFieldsAreChecked() {
        let line20 = #"        "body": {"custom_fields": [{"name": "crm_id", "value": "{{ $actions.crm-contact.id }}"}, {"name": "src", "value": "{{ $event.origin }}"}]}}"#
        XCTAssertEqual(check(good(replacing: 20, with: line20)),
                       ["routes/yunojuno.json:20: unknown event field '$event.origin' (id, type, source, received_at) in rules[0].actions[2].body.custom_fields[1].value"])
    }

    func testEveryProblemIsReportedSortedByLine() {
        var bad = good
        bad[21] = #"     "notify": ["ops-team"], "notfy": []}"#                                       // 22: unknown key
        bad[13] = #"                 "email": "{{ data.object.email | lowr }}", "clientid": 1,"#  // 14: unknown filter
        bad[7] = #"     "when": {"type": "client.*.created"},"#                                   // 8: bad pattern
        bad[17] = #"       {"name": "yj fields", "api": "roosted", "operation": "create_client","# // 18: bad name, unknown api
        XCTAssertEqual(check(bad), [
            "routes/yunojuno.json:8: bad type pattern 'client.*.created' ('*' only as a whole pattern or as a final '.*') in rules[0].when.type",
            "routes/yunojuno.json:14: unknown filter 'lowr' in rules[0].actions[0].body.email",
            "routes/yunojuno.json:18: bad action name 'yj fields' (letters, digits, '-' and '_' only) in rules[0].actions[2].name",
            "routes/yunojuno.json:18: unknown api 'roosted' (known: growcrm, yunojuno) in rules[0].actions[2].api",
            "routes/yunojuno.json:22: unknown key 'notfy' (expected actions, description, if, key, name, notify, when) in rules[0].notfy",
        ])
    }

    func testDuplicateKeysAreReportedAtTheRepeat() {
        XCTAssertEqual(check(good(replacing: 22, with: #"     "notify": ["ops-team"], "name": "again"}"#)),
                       ["routes/yunojuno.json:22: duplicate key 'name' (the first one is used) in rules[0]"])
    }

    func testRulesMustBeAList() {
        XCTAssertEqual(RouteChecker.check(file: "r.json", text: "{\n\"rules\": {}\n}", operations: []).map(\.description),
                       ["r.json:2: \"rules\" must be a list in rules"])
        XCTAssertEqual(RouteChecker.check(file: "r.json", text: "[]", operations: []).map(\.description),
                       ["r.json:1: a route file must be a JSON object"])
    }
}
