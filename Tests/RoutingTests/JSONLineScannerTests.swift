@testable import Routing
import XCTest

final class JSONLineScannerTests: XCTestCase {
    func testRecordsKeyAndElementLines() throws {
        let scanned = try JSONLineScanner.scan(lines(
            "{",
            #"  "a": 1,"#,
            #"  "list": ["#,
            #"    {"x": true},"#,
            "",
            #"    "two""#,
            "  ],",
            #"  "obj": {"deep": {"k": null}}"#,
            "}"))
        XCTAssertEqual(scanned.lines[""], 1)
        XCTAssertEqual(scanned.lines["a"], 2)
        XCTAssertEqual(scanned.lines["list"], 3)
        XCTAssertEqual(scanned.lines["list[0]"], 4)
        XCTAssertEqual(scanned.lines["list[0].x"], 4)
        XCTAssertEqual(scanned.lines["list[1]"], 6)
        XCTAssertEqual(scanned.lines["obj.deep.k"], 8)
        XCTAssertEqual(scanned.line(for: "obj.deep.missing"), 8, "an absent field falls back to its parent")
        XCTAssertEqual(scanned.line(for: "list[7].x"), 3)
    }

    func testValuesAgreeWithFoundation() throws {
        let text = #"{"i": 12, "neg": -3, "f": 1.5, "whole": 2.0, "exp": 1e3, "big": 123456789012345678901234, "s": "a\"b\\c\/\n\t\u00e9\ud83d\ude00", "b": [true, false, null], "o": {}}"#
        XCTAssertEqual(try JSONLineScanner.scan(text).value, try JSONValue.parse(Array(text.utf8)))
    }

    func testFirstOfRepeatedKeysWinsAndIsReported() throws {
        let scanned = try JSONLineScanner.scan("{\"a\": 1,\n \"a\": 2}")
        XCTAssertEqual(scanned.value, .object(["a": .int(1)]))
        XCTAssertEqual(scanned.duplicateKeys, [RouteIssue(message: "duplicate key 'a' (the first one is used)", location: "", line: 2)])
    }

    func testErrorsCarryTheirLine() {
        let cases: [(String, Int, String)] = [
            ("{\n\"a\": 1\n\"b\": 2}", 3, "expected ',' or '}' after a member of an object"),
            ("[1,\n2,\n]", 3, "unexpected character ']'"),
            ("{\"a\":\n  tru}", 2, "unexpected character 't'"),
            ("{\"a\": \"x\n\"}", 1, "control character in a string (write \\n, \\t, ...)"),
            ("{\"a\": 01}", 1, "expected ',' or '}' after a member of an object"),
            ("{\"a\": 1}\n\nx", 3, "unexpected text after the document"),
            ("{\"a\":\n\n", 3, "unexpected end of text"),
            ("{\n 'a': 1}", 2, "expected a key in double quotes"),
            ("\"\\ud800\"", 1, "unpaired \\u surrogate"),
            ("[1.]", 1, "bad number: digits expected after '.'"),
            ("", 1, "unexpected end of text"),
        ]
        for (text, line, message) in cases {
            XCTAssertThrowsError(try JSONLineScanner.scan(text), text) { error in
                XCTAssertEqual(error as? JSONScanError, JSONScanError(message: message, line: line), text)
            }
        }
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        XCTAssertThrowsError(try JSONLineScanner.scan(text))
    }
}
