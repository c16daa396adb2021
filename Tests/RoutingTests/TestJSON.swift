import Routing
import XCTest

/// Parses JSON written in a test, failing the test (not crashing) when the literal is wrong.
func json(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONValue {
    do {
        return try JSONValue.parse(Array(text.utf8))
    } catch {
        XCTFail("test JSON does not parse: \(error)", file: file, line: line)
        return .null
    }
}

/// Joins lines with newlines, so a fixture's line N is the Nth argument.
func lines(_ lines: String...) -> String {
    lines.joined(separator: "\n")
}
