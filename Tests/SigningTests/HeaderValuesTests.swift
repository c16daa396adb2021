@testable import Signing
import XCTest

/// `HeaderValues.entries` scans bytes instead of splitting by `Character`; for every header a
/// sender can put on the wire (the HTTP decoder has trimmed its ends) it must pick the same
/// entries as the split it replaced, including how many it looks at.
final class HeaderValuesTests: XCTestCase {
    private func splitEntries(_ value: String, _ separator: Character) -> [Substring] {
        value.split(separator: separator, maxSplits: HeaderValues.maxSignatureEntries, omittingEmptySubsequences: true)
            .prefix(HeaderValues.maxSignatureEntries)
            .map { piece -> Substring in
                var s = piece
                while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
                while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
                return s
            }
            .filter { !$0.isEmpty }
    }

    func testEntriesMatchTheCharacterSplit() {
        let many = (0..<20).map { "v1,tag\($0)" }
        for value in [
            "", " ", "v1,abc", "v1,abc v1,def", "  v1,abc   v1,def  ", "v1,a\tv1,b", " \t ",
            many.joined(separator: " "), many.joined(separator: "  "), many.joined(separator: " \t "),
            (["\t"] + many).joined(separator: " "), "a,b,,c, d ,\te\t", ",,,", "t=1,v1=ab, v1=cd",
        ] {
            for separator: Character in [" ", ","] {
                XCTAssertEqual(HeaderValues.entries(of: value, separator: separator), splitEntries(value, separator),
                               "\(value.debugDescription) split on \(separator.debugDescription)")
            }
        }
    }

    func testRequiredKeepsAnUnpaddedValueAndTrimsAPaddedOne() throws {
        let headers = ["a": "value", "b": " \tpadded\t ", "c": " \t "]
        let field = { (name: String) in headers[name].map(HeaderField.value) ?? .absent }
        XCTAssertEqual(try HeaderValues.required("a", in: field), "value")
        XCTAssertEqual(try HeaderValues.required("b", in: field), "padded")
        XCTAssertThrowsError(try HeaderValues.required("c", in: field))
        XCTAssertThrowsError(try HeaderValues.required("d", in: field))
    }

    func testARepeatedHeaderIsRefusedWhetherRequiredOrNot() {
        let repeated = { (_: String) in HeaderField.repeated }
        XCTAssertThrowsError(try HeaderValues.required("a", in: repeated)) { XCTAssertEqual($0 as? VerificationFailure, .repeatedHeader("a")) }
        XCTAssertThrowsError(try HeaderValues.optional("a", in: repeated)) { XCTAssertEqual($0 as? VerificationFailure, .repeatedHeader("a")) }
        XCTAssertThrowsError(try HeaderValues.timestamp("a", in: repeated)) { XCTAssertEqual($0 as? VerificationFailure, .repeatedHeader("a")) }
    }
}
