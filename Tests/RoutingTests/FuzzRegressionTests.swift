import Foundation
import Routing
import XCTest

/// Inputs the fuzz target `fuzz/route-template` found, replayed through the normal API.
final class FuzzRegressionTests: XCTestCase {
    /// Minimised fuzz input. The route-file reader turned `1e388` into infinity and loaded the
    /// file, while `JSONValue.parse` (event bodies) refuses it: the two parsers disagreed.
    func testNumberBeyondDoubleIsRefusedInRouteFiles() {
        let text = #"{"":1e388}"#
        XCTAssertThrowsError(try JSONValue.parse(Array(text.utf8)))
        XCTAssertThrowsError(try RouteRules.parse(source: "fuzz", text: text)) { error in
            XCTAssertEqual(error as? RouteError, RouteError(message: "invalid JSON: number out of range", line: 1))
        }
        let diagnostics = RouteChecker.check(file: "routes/fuzz.json", text: text, operations: [])
        XCTAssertEqual(diagnostics.map(\.message), ["invalid JSON: number out of range"])
    }

    /// Why it mattered: an infinite number in an action loaded, then the gateway could not log
    /// the job plan (JSONEncoder refuses infinity), so the planned job was written as no job.
    func testEveryLoadableActionCanBeLoggedAsAJobPlan() throws {
        let infinite = #"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "growcrm", "operation": "create_contact", "body": {"n": -1E400}}]}]}"#
        XCTAssertThrowsError(try RouteRules.parse(source: "fuzz", text: infinite))

        let finite = #"{"rules": [{"name": "r", "actions": [{"name": "a", "api": "growcrm", "operation": "create_contact", "body": {"n": 1.7976931348623157e308, "m": 1e-400}}]}]}"#
        let rules = try RouteRules.parse(source: "fuzz", text: finite)
        let data = try JSONEncoder().encode(rules.rules[0].actions)
        let back = try JSONDecoder().decode([ActionTemplate].self, from: data)
        XCTAssertTrue(back[0].json.isEquivalent(to: rules.rules[0].actions[0].json))
    }
}
