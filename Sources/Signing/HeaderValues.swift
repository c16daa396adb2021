/// Reading and validating header values, shared by every scheme's parser.
enum HeaderValues {
    /// Bounds the HMACs one delivery can make us compute: a header listing thousands
    /// of entries must not cost thousands of comparisons per key. Rotation needs two
    /// or three.
    static let maxSignatureEntries = 16

    /// Longer than any encoding of a 32-byte tag plus a short prefix; longer entries
    /// are skipped before decoding so junk costs nothing.
    static let maxEntryLength = 256

    /// Absent is `missingHeader`; present but blank is `malformedHeader`; sent more than
    /// once, `repeatedHeader`.
    static func required(
        _ name: String, in header: (String) -> HeaderField
    ) throws(VerificationFailure) -> String {
        let value: String
        switch header(name) {
        case .absent: throw .missingHeader(name)
        case .repeated: throw .repeatedHeader(name)
        case .value(let v): value = v
        }
        let trimmed = trimmed(Substring(value))
        guard !trimmed.isEmpty else { throw .malformedHeader(name) }
        // Values from the HTTP decoder arrive trimmed already: keep the string, copy nothing.
        return trimmed.utf8.count == value.utf8.count ? value : String(trimmed)
    }

    /// A blank optional header counts as absent; one sent more than once is refused.
    static func optional(_ name: String, in header: (String) -> HeaderField) throws(VerificationFailure) -> String? {
        let value: String
        switch header(name) {
        case .absent: return nil
        case .repeated: throw .repeatedHeader(name)
        case .value(let v): value = v
        }
        let trimmed = trimmed(Substring(value))
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// A required header holding unix seconds.
    static func timestamp(
        _ name: String, in header: (String) -> HeaderField
    ) throws(VerificationFailure) -> (text: String, seconds: Int64) {
        let text = try required(name, in: header)
        guard let seconds = unixSeconds(Substring(text)) else { throw .malformedHeader(name) }
        return (text, seconds)
    }

    /// The first `maxSignatureEntries` non-blank entries of a list header, trimmed.
    /// Later entries are never looked at. Works on the UTF-8 bytes (the separator is ASCII):
    /// splitting by `Character` cost more than the HMAC it guards.
    static func entries(of value: String, separator: Character) -> [Substring] {
        let cut = separator.asciiValue!
        var result: [Substring] = []
        let utf8 = value.utf8
        var start = utf8.startIndex
        var pieces = 0
        while pieces < maxSignatureEntries {
            var end = start
            while end < utf8.endIndex && utf8[end] != cut { end = utf8.index(after: end) }
            // As split(omittingEmptySubsequences:) counts them: a piece of only padding is
            // one of the entries looked at, an empty one is not.
            if end > start {
                pieces += 1
                let entry = trimmed(value[start..<end])
                if !entry.isEmpty { result.append(entry) }
            }
            if end == utf8.endIndex { break }
            start = utf8.index(after: end)
        }
        return result
    }

    /// Decodes each entry with `decode`, which returns nil for entries to ignore
    /// (another version tag, bad encoding). Only 32-byte results are kept: nothing
    /// else can match. No usable entry at all makes the header malformed.
    static func tags(
        from entries: [Substring],
        header name: String,
        decode: (Substring) -> [UInt8]?
    ) throws(VerificationFailure) -> [[UInt8]] {
        let tags = entries.compactMap { entry -> [UInt8]? in
            guard entry.utf8.count <= maxEntryLength, let tag = decode(entry),
                  tag.count == HMACSHA256.byteCount
            else { return nil }
            return tag
        }
        guard !tags.isEmpty else { throw .malformedHeader(name) }
        return tags
    }

    /// Digits only, so the text that was signed is exactly the number parsed, and
    /// signs, spaces and values beyond Int64 are refused rather than trapping.
    static func unixSeconds(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 19,
              text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int64(text)
    }

    /// Senders and proxies pad header values and list entries with spaces or tabs.
    private static func trimmed(_ text: Substring) -> Substring {
        let utf8 = text.utf8
        var first = utf8.startIndex
        var end = utf8.endIndex
        while first < end && (utf8[first] == 0x20 || utf8[first] == 0x09) { first = utf8.index(after: first) }
        while end > first {
            let last = utf8.index(before: end)
            guard utf8[last] == 0x20 || utf8[last] == 0x09 else { break }
            end = last
        }
        return text[first..<end]
    }
}
