import Foundation
import Routing
import TestSupport
import XCTest

/// Helpers for the operator endpoint tests: plain GETs over a real socket, JSON reading,
/// and a strict reader of the Prometheus text format.
enum OperatorTest {
    static func get(_ port: UInt16, _ path: String, headers: [(String, String)] = [],
                    file: StaticString = #filePath, line: UInt = #line) throws -> ParsedResponse {
        let client = try RawClient(port: port, timeoutSeconds: 10)
        return try XCTUnwrap(client.request("GET", path, headers: headers), "no answer to GET \(path)", file: file, line: line)
    }

    static func json(_ response: ParsedResponse, file: StaticString = #filePath, line: UInt = #line) throws -> JSONValue {
        XCTAssertEqual(response.headers["content-type"], "application/json", file: file, line: line)
        return try JSONValue.parse(Array(response.body.utf8))
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { $0.scalarText }
    }

    static func items(_ value: JSONValue?) -> [JSONValue] {
        guard case .array(let items)? = value else { return [] }
        return items
    }

    /// Polls until `condition` holds or `timeout` passes.
    static func eventually(_ timeout: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }
}

/// One sample line of the text exposition format.
struct ExpositionSample: Equatable {
    let name: String
    let labels: [String: String]
    let value: Double
}

struct ExpositionError: Error, CustomStringConvertible {
    let description: String
}

/// Reads Prometheus text format 0.0.4 line by line and refuses anything malformed: metric
/// and label names, quoting and escapes, values, HELP/TYPE placement and duplicates.
enum Exposition {
    static func parse(_ text: String) throws -> (types: [String: String], samples: [ExpositionSample]) {
        var types: [String: String] = [:]
        var helped: Set<String> = []
        var samples: [ExpositionSample] = []
        var seenSeries: Set<String> = []
        guard text.hasSuffix("\n") else { throw ExpositionError(description: "the text must end with a newline") }
        for (lineNumber, line) in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().enumerated() {
            func fail(_ why: String) -> ExpositionError { ExpositionError(description: "line \(lineNumber + 1) \"\(line)\": \(why)") }
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#" else { continue }  // a plain comment
                let name = String(parts[2])
                guard isMetricName(name) else { throw fail("bad metric name") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else { throw fail("bad type") }
                    guard types[name] == nil else { throw fail("second TYPE for \(name)") }
                    guard !samples.contains(where: { $0.name == name }) else { throw fail("TYPE after samples of \(name)") }
                    types[name] = String(parts[3])
                } else if parts[1] == "HELP" {
                    guard helped.insert(name).inserted else { throw fail("second HELP for \(name)") }
                }
                continue
            }
            var i = line.startIndex
            while i < line.endIndex, line[i] != "{", line[i] != " " { i = line.index(after: i) }
            let name = String(line[..<i])
            guard isMetricName(name) else { throw fail("bad metric name") }
            var labels: [String: String] = [:]
            if i < line.endIndex, line[i] == "{" {
                i = line.index(after: i)
                while i < line.endIndex, line[i] != "}" {
                    let nameStart = i
                    while i < line.endIndex, line[i] != "=" { i = line.index(after: i) }
                    let label = String(line[nameStart..<i])
                    guard isLabelName(label), i < line.endIndex else { throw fail("bad label name \(label)") }
                    i = line.index(after: i)
                    guard i < line.endIndex, line[i] == "\"" else { throw fail("label value must be quoted") }
                    i = line.index(after: i)
                    var value = ""
                    while true {
                        guard i < line.endIndex else { throw fail("unterminated label value") }
                        let c = line[i]
                        if c == "\"" { break }
                        if c == "\\" {
                            i = line.index(after: i)
                            guard i < line.endIndex else { throw fail("dangling escape") }
                            switch line[i] {
                            case "\\": value.append("\\")
                            case "\"": value.append("\"")
                            case "n": value.append("\n")
                            default: throw fail("bad escape")
                            }
                        } else {
                            value.append(c)
                        }
                        i = line.index(after: i)
                    }
                    i = line.index(after: i)
                    guard labels[label] == nil else { throw fail("label \(label) twice") }
                    labels[label] = value
                    if i < line.endIndex, line[i] == "," { i = line.index(after: i) }
                }
                guard i < line.endIndex else { throw fail("unterminated label set") }
                i = line.index(after: i)
            }
            guard i < line.endIndex, line[i] == " " else { throw fail("expected a space before the value") }
            let fields = line[line.index(after: i)...].split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count == 1 || fields.count == 2, let value = number(fields[0]) else { throw fail("bad value") }
            if fields.count == 2, Int64(fields[1]) == nil { throw fail("bad timestamp") }
            let family = baseName(name, types)
            guard types[family] != nil else { throw fail("sample before its TYPE line") }
            let series = name + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            guard seenSeries.insert(series).inserted else { throw fail("duplicate series") }
            samples.append(ExpositionSample(name: name, labels: labels, value: value))
        }
        return (types, samples)
    }

    static func isMetricName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == ":" }
    }

    static func isLabelName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return !s.hasPrefix("__") && s.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }

    static func number(_ s: Substring) -> Double? {
        switch s {
        case "NaN": return .nan
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(s)
        }
    }

    /// The family a sample belongs to (histogram and summary samples carry suffixes).
    static func baseName(_ name: String, _ types: [String: String]) -> String {
        if types[name] != nil { return name }
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return name
    }
}

private extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
