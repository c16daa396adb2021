extension JSONParser {
    /// The scalar text (`JSONValue.scalarText`) at each path, read in one pass that accepts
    /// and refuses exactly what `parse` does but builds no tree (see `JSONFieldReader`).
    static func scalarTexts(at wanted: [JSONPathSteps], in bytes: [UInt8]) throws(Failure) -> [String?] {
        precondition(wanted.count <= 64, "at most 64 paths")
        return try bytes.withUnsafeBufferPointer { buffer throws(Failure) -> [String?] in
            var parser = JSONParser(buffer)
            var found = [String?](repeating: nil, count: wanted.count)
            let all: UInt64 = wanted.count == 64 ? ~0 : (1 << UInt64(wanted.count)) - 1
            parser.skipWhitespace()
            try parser.scan(depth: 0, active: all, wanted, &found)
            parser.skipWhitespace()
            guard parser.i == buffer.count else { throw parser.fail("unexpected text after the JSON value") }
            return found
        }
    }

    /// Reads one value at `depth`. `active` marks the paths that lead here: those that end
    /// at this depth take the value's text, the others continue into its members.
    private mutating func scan(depth: Int, active: UInt64, _ wanted: [JSONPathSteps], _ found: inout [String?]) throws(Failure) {
        guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
        guard i < p.count else { throw fail("unexpected end of input") }
        var ending: UInt64 = 0
        var continuing: UInt64 = 0
        var rest = active
        while rest != 0 {
            let k = rest.trailingZeroBitCount
            rest &= rest - 1
            if wanted[k].keys.count == depth { ending |= 1 << UInt64(k) } else { continuing |= 1 << UInt64(k) }
        }
        switch p[i] {
        case UInt8(ascii: "{"): try scanObject(depth: depth, continuing, wanted, &found)
        case UInt8(ascii: "["): try scanArray(depth: depth, continuing, wanted, &found)
        default:
            if ending == 0 { try skipScalar(); return }
            let text = try value(depth: depth).scalarText
            var each = ending
            while each != 0 {
                found[each.trailingZeroBitCount] = text
                each &= each - 1
            }
        }
    }

    private mutating func scanObject(depth: Int, _ continuing: UInt64, _ wanted: [JSONPathSteps], _ found: inout [String?]) throws(Failure) {
        i += 1
        skipWhitespace()
        if i < p.count && p[i] == UInt8(ascii: "}") { i += 1; return }
        while true {
            skipWhitespace()
            guard i < p.count, p[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            var matching: UInt64 = 0
            if continuing == 0 { try skipString() } else { matching = try keyMatches(depth: depth, continuing, wanted) }
            skipWhitespace()
            guard i < p.count, p[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            i += 1
            skipWhitespace()
            // A repeated key replaces what an earlier copy gave, as the dictionary in `parse` does.
            var each = matching
            while each != 0 {
                found[each.trailingZeroBitCount] = nil
                each &= each - 1
            }
            try scan(depth: depth + 1, active: matching, wanted, &found)
            skipWhitespace()
            guard i < p.count else { throw fail("unexpected end of input") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "}") { i += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func scanArray(depth: Int, _ continuing: UInt64, _ wanted: [JSONPathSteps], _ found: inout [String?]) throws(Failure) {
        i += 1
        skipWhitespace()
        if i < p.count && p[i] == UInt8(ascii: "]") { i += 1; return }
        var index = 0
        while true {
            skipWhitespace()
            var matching: UInt64 = 0
            var each = continuing
            while each != 0 {
                let k = each.trailingZeroBitCount
                each &= each - 1
                if wanted[k].indices[depth] == index { matching |= 1 << UInt64(k) }
            }
            try scan(depth: depth + 1, active: matching, wanted, &found)
            index += 1
            skipWhitespace()
            guard i < p.count else { throw fail("unexpected end of input") }
            if p[i] == UInt8(ascii: ",") { i += 1; continue }
            if p[i] == UInt8(ascii: "]") { i += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// Reads a key and returns which of the `continuing` paths name it at `depth`. Plain
    /// ASCII keys compare as bytes; anything else compares as `String`s, as the dictionary does.
    private mutating func keyMatches(depth: Int, _ continuing: UInt64, _ wanted: [JSONPathSteps]) throws(Failure) -> UInt64 {
        let start = i + 1
        try skipString()
        let raw = UnsafeBufferPointer(rebasing: p[start..<(i - 1)])
        var plain = true
        for b in raw where b >= 0x80 || b == UInt8(ascii: "\\") { plain = false; break }
        var decoded: String?
        if !plain {
            let end = i
            i = start - 1
            decoded = try string()
            i = end
        }
        var matching: UInt64 = 0
        var each = continuing
        while each != 0 {
            let k = each.trailingZeroBitCount
            each &= each - 1
            let same = decoded.map { $0 == wanted[k].keys[depth] } ?? raw.elementsEqual(wanted[k].utf8[depth])
            if same { matching |= 1 << UInt64(k) }
        }
        return matching
    }

    /// Moves past string bytes that need no attention (not a quote, backslash or control
    /// character) eight at a time: bodies are mostly long plain strings, and this loop was
    /// the reader's largest cost.
    private mutating func skipPlainBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while p.count - i >= 8 {
            let w = UnsafeRawPointer(p.baseAddress! + i).loadUnaligned(as: UInt64.self)
            // A byte below 0x20, or equal to '"' or '\\', sets its high bit in one of these
            // (the classic "has a zero byte" test; bytes of 0x80 and up never trigger it).
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let control = (w &- ones &* 0x20) & ~w
            let flagged = (control | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)) & highs
            if flagged != 0 { return }
            i += 8
        }
    }

    /// Validates a value nobody asked for without keeping it.
    private mutating func skipScalar() throws(Failure) {
        switch p[i] {
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: _ = try number()
        }
    }

    /// Checks a string exactly as `string()` does (control characters, escapes, surrogate
    /// pairs) without decoding it.
    private mutating func skipString() throws(Failure) {
        i += 1
        skipPlainBytes()
        while i < p.count {
            let b = p[i]
            if b == UInt8(ascii: "\"") { i += 1; return }
            if b < 0x20 { throw fail("control character in string") }
            i += 1
            guard b == UInt8(ascii: "\\") else { continue }
            guard i < p.count else { break }
            let e = p[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                _ = try unicodeEscape()
            default:
                throw fail("invalid escape")
            }
        }
        throw fail("unterminated string")
    }
}
