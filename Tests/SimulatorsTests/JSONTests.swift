import XCTest
@testable import Simulators

final class JSONTests: XCTestCase {
    func testKeepsIntegersDoublesBooleansAndStringsApart() throws {
        let value = try JSONParser.parse(#"{"i":1,"d":1.5,"e":2e3,"b":true,"s":"1","n":null}"#)
        XCTAssertEqual(value["i"], .int(1))
        XCTAssertEqual(value["d"], .double(1.5))
        XCTAssertEqual(value["e"], .double(2000))
        XCTAssertEqual(value["b"], .bool(true))
        XCTAssertEqual(value["s"], .string("1"))
        XCTAssertEqual(value["n"], .null)
    }

    func testDecodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#"["a\"b\\c\/\n\t", "\u00e9\ud83d\ude00"]"#)
        XCTAssertEqual(value, ["a\"b\\c/\n\t", "é😀"])
    }

    func testRoundTripKeepsMemberOrder() throws {
        let text = #"{"z":1,"a":[true,null,"x\n\u0001"],"m":{"k":-2.5}}"#
        let value = try JSONParser.parse(text)
        XCTAssertEqual(JSONWriter.string(value), text)
    }

    func testRejectsMalformedDocuments() {
        for text in ["", "{", #"{"a" 1}"#, "[1,]", "01", "1 2", "tru", #""\x""#, #""\ud83d""#, "{\"a\":\"\u{01}\"}", "[-]", "1."] {
            XCTAssertThrowsError(try JSONParser.parse(text), text)
        }
    }

    func testBoundsNesting() {
        XCTAssertNoThrow(try JSONParser.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)))
        XCTAssertThrowsError(try JSONParser.parse(String(repeating: "[", count: 65) + String(repeating: "]", count: 65)))
    }

    func testEmailFormat() {
        for good in ["a@b.co", "first.last+tag@sub.example.org", "x_y@ex-ample.com"] { XCTAssertTrue(EmailFormat.isValid(good), good) }
        for bad in ["", "a", "a@", "@b.co", "a@b", "a b@c.co", "a@@b.co", "a@b..co", ".a@b.co", "a@-b.co"] { XCTAssertFalse(EmailFormat.isValid(bad), bad) }
    }
}
