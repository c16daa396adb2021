/// Reads what `BinaryWriter` wrote; every read is bounds-checked, since a log record that
/// passed its CRC can still come from a newer or buggy writer.
struct BinaryReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func u8() throws(LogEventDecodingError) -> UInt8 {
        guard position < bytes.count else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u64() throws(LogEventDecodingError) -> UInt64 {
        guard bytes.count - position >= 8 else { throw .truncated }
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(bytes[position + i]) }
        position += 8
        return v
    }

    mutating func i64() throws(LogEventDecodingError) -> Int64 { Int64(bitPattern: try u64()) }

    mutating func blob() throws(LogEventDecodingError) -> [UInt8] {
        guard bytes.count - position >= 4 else { throw .truncated }
        var n = 0
        for i in (0..<4).reversed() { n = n << 8 | Int(bytes[position + i]) }
        position += 4
        guard bytes.count - position >= n else { throw .truncated }
        defer { position += n }
        return Array(bytes[position..<position + n])
    }

    mutating func string() throws(LogEventDecodingError) -> String {
        String(decoding: try blob(), as: UTF8.self)
    }

    mutating func optionalString() throws(LogEventDecodingError) -> String? {
        try u8() == 0 ? nil : try string()
    }
}

public enum LogEventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated
    case unknownKind(UInt8)
    case unsupportedVersion(kind: UInt8, version: UInt8)

    public var description: String {
        switch self {
        case .truncated: return "event record ends early"
        case .unknownKind(let k): return "unknown event kind \(k) (written by a newer gatehouse?)"
        case .unsupportedVersion(let k, let v): return "event kind \(k) version \(v) is not understood"
        }
    }
}
