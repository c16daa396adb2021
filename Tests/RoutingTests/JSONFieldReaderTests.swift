import Routing
import XCTest

/// `JSONFieldReader` must answer exactly what parsing the whole body and following the path
/// answers, and refuse exactly the documents `JSONValue.parse` refuses: the intake switched
/// from one to the other, and a sender must not see a difference.
final class JSONFieldReaderTests: XCTestCase {
    private let paths = ["type", "id", "data.object.id", "items.1.id", "items.01.id", "", "a.b", "é", "n", "x.y.z"]

    private func assertAgrees(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        assertAgrees(Array(text.utf8), file: file, line: line)
    }

    private func assertAgrees(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let text = String(decoding: bytes, as: UTF8.self)
        let reader = JSONFieldReader(paths: paths)
        let parsed = Result { try JSONValue.parse(bytes) }
        let read = Result { try reader.scalarTexts(in: bytes) }
        switch (parsed, read) {
        case (.success(let value), .success(let texts)):
            XCTAssertEqual(texts, paths.map { value[path: $0]?.scalarText }, text, file: file, line: line)
        case (.failure, .failure):
            break
        default:
            XCTFail("parse and reader disagree on \(text): \(parsed) vs \(read)", file: file, line: line)
        }
    }

    func testAgreesWithParseOnValues() {
        for text in [
            #"{"type":"a.b","id":"x"}"#,
            #"{"type":1,"id":2.5,"n":true}"#,
            #"{"type":2.0,"id":1e3,"n":null}"#,
            #"{"type":-0,"id":12345678901234567890}"#,
            #"{"data":{"object":{"id":"o1","id":"o2"}}}"#,
            #"{"data":{"object":{"id":"o1"}},"data":{"other":1}}"#,
            #"{"data":{"object":{"id":"o1"}},"data":{"object":{"id":"o3"}}}"#,
            #"{"items":[{"id":"a"},{"id":"b"}],"type":{"nested":true}}"#,
            #"{"items":[{"id":"a"},[1,2]],"type":[]}"#,
            #"{"":"empty key","a":{"b":"c"}}"#,
            #"{"\u0074ype":"escaped key","i\u0064":"x"}"#,
            #"{"e\u0301":"decomposed","é":"composed"}"#,
            #"{"é":"composed only"}"#,
            #"{"e\u0301":"decomposed only"}"#,
            #"{"type":"line\nbreak \"quoted\" \ud83d\ude00 \/"}"#,
            #"{"x":{"y":{"z":false}}}"#,
            #"[{"type":"root array"}]"#,
            #""just a string""#,
            "  {\"type\" : \"spaced\" ,\n\t\"id\" :\r\n 7 }  ",
            #"{}"#, #"[]"#, "42", "true", "null",
        ] {
            assertAgrees(text)
        }
    }

    func testRefusesWhatParseRefuses() {
        for text in [
            "", " ", "{", "}", "[", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{a:1}", "{\"a\":1}x",
            "{\"a\":\"\u{01}\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}",
            "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"unterminated}", "{\"a\":\"\\",
            "{\"a\":1e999}", "{\"a\":-}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":1e}", "{\"a\":tru}", "{\"a\":nul}",
            "{\"type\":\"ok\",\"b\":1e400}", String(repeating: "[", count: 300) + String(repeating: "]", count: 300),
        ] {
            assertAgrees(text)
        }
    }

    func testNestingLimitMatchesParse() {
        for depth in [254, 255, 256, 257] {
            assertAgrees(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
            assertAgrees(String(repeating: "{\"x\":", count: depth) + "1" + String(repeating: "}", count: depth))
        }
    }

    /// Plain runs are skipped eight bytes at a time: a special byte at any position of a long
    /// string must still be seen.
    func testSpecialBytesAnywhereInLongStrings() {
        for special in ["\u{01}", "\u{1F}", "\\\"", "\\n", "\\u00e9", "\"", "\\", "é", "\u{7F}", " "] {
            for position in 0..<40 {
                let text = String(repeating: "a", count: position) + special + String(repeating: "b", count: 40 - position)
                assertAgrees("{\"pad\":\"\(text)\",\"type\":\"t\"}")
                assertAgrees("{\"type\":\"\(text)\"}")
            }
        }
    }

    /// Random mutations of a realistic body: whatever bytes come out, both readers agree.
    func testAgreesOnMutatedBodies() {
        let base = Array(#"{"type":"client.created","id":"evt_1","data":{"object":{"id":"o\u00e9","n":[1,2.5,-3e2,true,null]}},"items":[{"id":"a"},{"id":"b"}]}"#.utf8)
        let alphabet = Array(#"{}[]:,"\/u0aeE.-+ tfn"#.utf8) + [0x01, 0xC3, 0xA9, 0xFF]
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var bytes = base
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = alphabet.randomElement(using: &rng)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &rng)!, at: at)
                }
            }
            assertAgrees(bytes)
        }
    }
}
