import Routing
import XCTest

final class ConditionTests: XCTestCase {
    let body = json("""
        {"mode": "live", "count": 3, "ratio": 0.5, "tags": ["a", "b"], "nothing": null,
         "data": {"object": {"email": "ada@example.com", "id": "clct_123", "flag": false}},
         "items": [{"id": 7}, {"id": 8}]}
        """)

    func testEquals() {
        XCTAssertTrue(Condition.equals(path: "mode", value: .string("live")).evaluate(body))
        XCTAssertFalse(Condition.equals(path: "mode", value: .string("test")).evaluate(body))
        XCTAssertTrue(Condition.equals(path: "items.1.id", value: .int(8)).evaluate(body))
        XCTAssertTrue(Condition.equals(path: "count", value: .double(3.0)).evaluate(body), "numbers compare by value")
        XCTAssertFalse(Condition.equals(path: "count", value: .string("3")).evaluate(body), "text is not a number")
        XCTAssertTrue(Condition.equals(path: "data.object.flag", value: .bool(false)).evaluate(body))
        XCTAssertTrue(Condition.equals(path: "tags", value: json(#"["a", "b"]"#)).evaluate(body))
        XCTAssertTrue(Condition.equals(path: "nothing", value: .null).evaluate(body))
        XCTAssertFalse(Condition.equals(path: "absent", value: .null).evaluate(body), "missing is not null")
    }

    func testExists() {
        XCTAssertTrue(Condition.exists(path: "data.object.email").evaluate(body))
        XCTAssertTrue(Condition.exists(path: "data.object.flag").evaluate(body), "false exists")
        XCTAssertTrue(Condition.exists(path: "items.0").evaluate(body))
        XCTAssertFalse(Condition.exists(path: "items.2").evaluate(body))
        XCTAssertFalse(Condition.exists(path: "nothing").evaluate(body), "null does not exist")
        XCTAssertFalse(Condition.exists(path: "data.object.email.deeper").evaluate(body))
    }

    func testIn() {
        XCTAssertTrue(Condition.oneOf(path: "mode", values: [.string("test"), .string("live")]).evaluate(body))
        XCTAssertFalse(Condition.oneOf(path: "mode", values: [.string("test")]).evaluate(body))
        XCTAssertTrue(Condition.oneOf(path: "ratio", values: [.int(1), .double(0.5)]).evaluate(body))
        XCTAssertFalse(Condition.oneOf(path: "absent", values: [.null]).evaluate(body))
        XCTAssertFalse(Condition.oneOf(path: "mode", values: []).evaluate(body))
    }

    func testPrefix() {
        XCTAssertTrue(Condition.prefix(path: "data.object.id", value: "clct_").evaluate(body))
        XCTAssertFalse(Condition.prefix(path: "data.object.id", value: "fp_").evaluate(body))
        XCTAssertFalse(Condition.prefix(path: "count", value: "3").evaluate(body), "only text has a prefix")
        XCTAssertFalse(Condition.prefix(path: "absent", value: "").evaluate(body))
    }

    func testAllAnyNotAndEmptyLists() {
        let live = Condition.equals(path: "mode", value: .string("live"))
        let test = Condition.equals(path: "mode", value: .string("test"))
        XCTAssertTrue(Condition.all([live, .exists(path: "count")]).evaluate(body))
        XCTAssertFalse(Condition.all([live, test]).evaluate(body))
        XCTAssertTrue(Condition.any([test, live]).evaluate(body))
        XCTAssertFalse(Condition.any([test, .exists(path: "absent")]).evaluate(body))
        XCTAssertTrue(Condition.not(test).evaluate(body))
        XCTAssertFalse(Condition.not(live).evaluate(body))
        XCTAssertTrue(Condition.all([]).evaluate(body))
        XCTAssertFalse(Condition.any([]).evaluate(body))
    }

    func testDeepNestingFromRouteFile() throws {
        let rules = try RouteRules.parse(source: "s", document: json("""
            {"rules": [{"name": "r", "actions": [{"name": "n", "api": "a", "operation": "o"}],
              "if": {"all": [
                 {"exists": "data.object.email"},
                 {"not": {"equals": {"path": "mode", "value": "test"}}},
                 {"any": [{"in": {"path": "count", "values": [1, 2, 3]}}, {"prefix": {"path": "data.object.id", "value": "fp_"}}]}
              ]}}]}
            """))
        let condition = try XCTUnwrap(rules.rules.first?.condition)
        XCTAssertEqual(condition, .all([
            .exists(path: "data.object.email"),
            .not(.equals(path: "mode", value: .string("test"))),
            .any([.oneOf(path: "count", values: [.int(1), .int(2), .int(3)]), .prefix(path: "data.object.id", value: "fp_")]),
        ]))
        XCTAssertTrue(condition.evaluate(body))
        XCTAssertFalse(condition.evaluate(json(#"{"mode": "test", "count": 3, "data": {"object": {"email": "x"}}}"#)))
        XCTAssertFalse(condition.evaluate(json(#"{"mode": "live", "count": 9, "data": {"object": {"email": "x", "id": "clct_1"}}}"#)))
        XCTAssertTrue(condition.evaluate(json(#"{"mode": "live", "count": 9, "data": {"object": {"email": "x", "id": "fp_1"}}}"#)))
    }

    func testBadShapesAreRejected() {
        let shapes = [
            #"{"equals": {"path": "a"}}"#, #"{"equals": {"path": "a", "value": 1, "extra": 2}}"#, #"{"exists": 3}"#,
            #"{"exists": ""}"#, #"{"in": {"path": "a", "values": "b"}}"#, #"{"prefix": {"path": "a", "value": 3}}"#,
            #"{"all": {"exists": "a"}}"#, #"{"not": []}"#, #"{"exists": "a", "not": {"exists": "b"}}"#, #"{"matches": "a"}"#, #"[]"#,
            #"{"any": [{"exists": "a"}, {"bogus": 1}]}"#,
        ]
        for shape in shapes {
            let document = json(#"{"rules": [{"name": "r", "if": "# + shape + #", "actions": [{"name": "n", "api": "a", "operation": "o"}]}]}"#)
            XCTAssertThrowsError(try RouteRules.parse(source: "s", document: document), "accepted \(shape)") { error in
                XCTAssertTrue(String(describing: error).contains("bad condition"), "\(error)")
            }
        }
    }
}
