import Routing
import XCTest

final class TypeMatcherTests: XCTestCase {
    func testAnyMatchesEverythingIncludingUntypedEvents() {
        XCTAssertTrue(TypeMatcher.any.matches("client.contract.approved"))
        XCTAssertTrue(TypeMatcher.any.matches(nil))
    }

    func testExactTypeMatchesOnlyItself() {
        let matcher = TypeMatcher.patterns(["client.client_contact.created"])
        XCTAssertTrue(matcher.matches("client.client_contact.created"))
        XCTAssertFalse(matcher.matches("client.client_contact.created.extra"))
        XCTAssertFalse(matcher.matches("client.client_contact.registered"))
        XCTAssertFalse(matcher.matches(nil))
    }

    func testListMatchesAnyMember() {
        let matcher = TypeMatcher.patterns(["client.client_contact.created", "client.client_contact.registered"])
        XCTAssertTrue(matcher.matches("client.client_contact.registered"))
        XCTAssertTrue(matcher.matches("client.client_contact.created"))
        XCTAssertFalse(matcher.matches("client.contract.approved"))
    }

    func testPrefixPatternMatchesTypesUnderThePrefixOnly() {
        let matcher = TypeMatcher.patterns(["client.contract.*"])
        XCTAssertTrue(matcher.matches("client.contract.approved"))
        XCTAssertTrue(matcher.matches("client.contract.notice_served"))
        XCTAssertFalse(matcher.matches("client.contract"), "the prefix itself is not under it")
        XCTAssertFalse(matcher.matches("client.contractor.created"), "the dot is part of the prefix")
        XCTAssertFalse(matcher.matches("client.spend_request.created"))
    }

    func testStarMatchesAnyTypedEvent() {
        XCTAssertTrue(TypeMatcher.patterns(["*"]).matches("anything"))
        XCTAssertFalse(TypeMatcher.patterns(["*"]).matches(nil))
    }

    func testMixedListOfExactAndPrefix() {
        let matcher = TypeMatcher.patterns(["client.spend_request.approved", "client.contract.*"])
        XCTAssertTrue(matcher.matches("client.spend_request.approved"))
        XCTAssertTrue(matcher.matches("client.contract.revoked"))
        XCTAssertFalse(matcher.matches("client.spend_request.created"))
    }

    func testParsedFromWhenStringListAndAbsence() throws {
        let rules = try RouteRules.parse(source: "yj", document: json("""
            {"rules": [
              {"name": "a", "when": {"type": "x.created"}, "actions": [{"name": "n", "api": "a", "operation": "o"}]},
              {"name": "b", "when": {"type": ["x.created", "y.*"]}, "actions": [{"name": "n", "api": "a", "operation": "o"}]},
              {"name": "c", "actions": [{"name": "n", "api": "a", "operation": "o"}]}
            ]}
            """))
        XCTAssertEqual(rules.rules.map(\.when), [.patterns(["x.created"]), .patterns(["x.created", "y.*"]), .any])
    }

    func testBadPatternsAreRejected() {
        for when in [#"{"type": "client.*.created"}"#, #"{"type": []}"#, #"{"type": ""}"#, #"{"type": 3}"#, #""x""#, #"{"type": ".*"}"#] {
            let document = json(#"{"rules": [{"name": "r", "when": "# + when + #", "actions": [{"name": "n", "api": "a", "operation": "o"}]}]}"#)
            XCTAssertThrowsError(try RouteRules.parse(source: "s", document: document), "accepted when \(when)")
        }
    }
}
