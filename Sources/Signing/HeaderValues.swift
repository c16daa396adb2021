/// Reading and validating header values, shared by every scheme's parser.
enum HeaderValues {
    /// Bounds the HMACs one delivery can make us compute: a header listing thousands
    /// of entries must not cost thousands of comparisons per key. Rotation needs two
    /// or three.
    static let maxSignatureEntries = 16

    /// Longer than any encoding of a 32-byte tag plus a short prefix; longer entries
    /// are skipped before decoding so junk costs nothing.
    static let maxEntryLength = 256

    /// Absent is `missingHeader`; present but blank is `malformedHeader`.
    static func required(
        _ name: String, in header: (String) -> String?
    ) throws(VerificationFailure) -> String {
        guard let value = header(name) else { throw .missingHeader(name) }
        let trimmed = trimmed(Substring(value))
        guard !trimmed.isEmpty else { throw .malformedHeader(name) }
        return String(trimmed)
    }

    /// A blank optional header counts as absent.
    static func optional(_ name: String, in header: (String) -> String?) -> String? {
        guard let value = header(name) else { return nil }
        let trimmed = trimmed(Substring(value))
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// A required header holding unix seconds.
    static func timestamp(
        _ name: String, in header: (String) -> String?
    ) throws(VerificationFailure) -> (text: String, seconds: Int64) {
        let text = try required(name, in: header)
        guard let seconds = unixSeconds(Substring(text)) else { throw .malformedHeader(name) }
        return (text, seconds)
    }

    /// The first `maxSignatureEntries` non-blank entries of a list header, trimmed.
    /// Later entries are never looked at.
    static func entries(of value: String, separator: Character) -> [Substring] {
        value.split(separator: separator, maxSplits: maxSignatureEntries, omittingEmptySubsequences: true)
            .prefix(maxSignatureEntries)
            .map(trimmed)
            .filter { !$0.isEmpty }
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
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
              let last = text.lastIndex(where: { !isSpace($0) })
        else { return text[text.endIndex...] }
        return text[first...last]
    }
}
