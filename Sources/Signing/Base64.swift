/// Standard base64 (RFC 4648 section 4) with padding.
///
/// Written out rather than delegated to Foundation because Foundation's decoder
/// accepts padding in the middle of the text ("YW=j"); signature and secret parsing
/// should refuse anything that is not well formed.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let padding = UInt8(ascii: "=")

    public static func encode(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            text.append(alphabet[Int(group >> 18 & 0x3f)])
            text.append(alphabet[Int(group >> 12 & 0x3f)])
            text.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3f)] : padding)
            text.append(remaining > 2 ? alphabet[Int(group & 0x3f)] : padding)
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Nil unless the text is whole groups of four from the standard alphabet, with
    /// at most two `=` and only at the very end. No whitespace is skipped.
    public static func decode(_ s: String) -> [UInt8]? {
        decode(s.utf8)
    }

    static func decode<Text: Collection>(_ text: Text) -> [UInt8]? where Text.Element == UInt8 {
        // A header's bytes are read in place; copying them into an array first cost as much
        // as the decoding.
        if let decoded = text.withContiguousStorageIfAvailable({ decode(characters: $0) }) { return decoded }
        return Array(text).withUnsafeBufferPointer { decode(characters: $0) }
    }

    private static func decode(characters: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard characters.count % 4 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(characters.count / 4 * 3)
        var groupStart = 0
        while groupStart < characters.count {
            let isLastGroup = groupStart + 4 == characters.count
            var group: UInt32 = 0
            var padded = 0
            for offset in 0..<4 {
                let character = characters[groupStart + offset]
                if character == padding {
                    // Padding may only fill the last one or two places of the last group.
                    guard isLastGroup, offset >= 2 else { return nil }
                    padded += 1
                    group <<= 6
                } else {
                    guard padded == 0, let sextet = value(of: character) else { return nil }
                    group = group << 6 | UInt32(sextet)
                }
            }
            // The bits padding leaves unused must be zero: otherwise four spellings decode to
            // the same bytes, and a value should have one.
            if padded == 2 && group & 0xFFFF != 0 || padded == 1 && group & 0xFF != 0 { return nil }
            bytes.append(UInt8(group >> 16 & 0xff))
            if padded < 2 { bytes.append(UInt8(group >> 8 & 0xff)) }
            if padded < 1 { bytes.append(UInt8(group & 0xff)) }
            groupStart += 4
        }
        return bytes
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
