/// A strict JSON parser that remembers the line of every value. Route diagnostics must point at
/// a line, and Foundation's parser reports neither value lines nor error lines.
///
/// It agrees with `JSONValue.parse` on the values it produces (integral numbers become `.int`,
/// the first of repeated keys wins) but, unlike Foundation, rejects trailing commas.
struct JSONLineScanner {
    private static let maxDepth = 256

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lines: [String: Int] = [:]
    private var duplicates: [RouteIssue] = []

    private init(_ text: String) {
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        self.bytes = bytes
    }

    static func scan(_ text: String) throws(JSONScanError) -> ScannedJSON {
        var scanner = JSONLineScanner(text)
        scanner.skipWhitespace()
        scanner.lines[""] = scanner.line
        let value = try scanner.value(at: "", depth: 0)
        scanner.skipWhitespace()
        if scanner.index < scanner.bytes.count {
            throw scanner.failure("unexpected text after the document")
        }
        return ScannedJSON(value: value, lines: scanner.lines, duplicateKeys: scanner.duplicates)
    }

    private mutating func value(at location: String, depth: Int) throws(JSONScanError) -> JSONValue {
        skipWhitespace()
        guard depth < Self.maxDepth else { throw failure("nested deeper than \(Self.maxDepth) levels") }
        guard let byte = peek() else { throw failure("unexpected end of text") }
        switch byte {
        case UInt8(ascii: "{"): return try object(at: location, depth: depth)
        case UInt8(ascii: "["): return try array(at: location, depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character '\(Self.describe(byte))'")
        }
    }

    private mutating func object(at location: String, depth: Int) throws(JSONScanError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes") }
            let keyLine = line
            let key = try string()
            let child = FieldLocation.key(key, in: location)
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after key \"\(key)\"") }
            index += 1
            if members[key] != nil {
                duplicates.append(RouteIssue(message: "duplicate key '\(key)' (the first one is used)", location: location, line: keyLine))
                _ = try value(at: child + "#duplicate", depth: depth + 1)
            } else {
                lines[child] = keyLine
                members[key] = try value(at: child, depth: depth + 1)
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"): index += 1; return .object(members)
            default: throw failure("expected ',' or '}' after a member of an object")
            }
        }
    }

    private mutating func array(at location: String, depth: Int) throws(JSONScanError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek() == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            let child = FieldLocation.index(elements.count, in: location)
            lines[child] = line
            elements.append(try value(at: child, depth: depth + 1))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"): index += 1; return .array(elements)
            default: throw failure("expected ',' or ']' after an element of a list")
            }
        }
    }

    private mutating func string() throws(JSONScanError) -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else { throw failure("unterminated string") }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &out)
            case 0..<0x20:
                throw failure("control character in a string (write \\n, \\t, ...)")
            default:
                out.append(byte)
            }
        }
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONScanError) {
        guard let byte = peek() else { throw failure("unterminated string") }
        index += 1
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
            UInt8(ascii: "/"): UInt8(ascii: "/"), UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C,
            UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let replacement = simple[byte] { out.append(replacement); return }
        guard byte == UInt8(ascii: "u") else { throw failure("unknown escape '\\\(Self.describe(byte))'") }
        var code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
            // A high surrogate is only half a character: the low half must follow as another \u.
            guard peek() == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else { throw failure("unpaired \\u surrogate") }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired \\u surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired \\u surrogate") }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private mutating func hex4() throws(JSONScanError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = Self.hexValue(byte) else { throw failure("bad \\u escape: four hex digits expected") }
            code = code << 4 | digit
            index += 1
        }
        return code
    }

    private mutating func number() throws(JSONScanError) -> JSONValue {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else if digitCount() == 0 {
            throw failure("bad number")
        }
        var integral = true
        if peek() == UInt8(ascii: ".") {
            index += 1
            integral = false
            guard digitCount() > 0 else { throw failure("bad number: digits expected after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            integral = false
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digitCount() > 0 else { throw failure("bad number: digits expected in the exponent") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let int = Int64(text) { return .int(int) }
        // Double("1e999") is infinity, which JSON cannot hold (JSONValue.parse refuses it too).
        guard let double = Double(text), double.isFinite else { throw failure("number out of range") }
        // Foundation hands back whole numbers written as 1.0 or 1e3 as integers; match it.
        if double == double.rounded(), abs(double) < 9.2e18 { return .int(Int64(double)) }
        return .double(double)
    }

    private mutating func digitCount() -> Int {
        var count = 0
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            index += 1
            count += 1
        }
        return count
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONScanError) -> JSONValue {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw failure("unexpected character '\(Self.describe(bytes[index]))'")
        }
        index += expected.count
        return value
    }

    private mutating func skipWhitespace() {
        while let byte = peek() {
            switch byte {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            index += 1
        }
    }

    private func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private func failure(_ message: String) -> JSONScanError {
        JSONScanError(message: message, line: line)
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\u{\(String(byte, radix: 16))}"
    }
}
