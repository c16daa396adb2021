/// Reads what `WireWriter` wrote; every read is bounds-checked, since a record that passed
/// its CRC can still come from a newer or buggy writer. Running short throws the caller's
/// own `truncated` error, so each format keeps its error type.
public struct WireReader<Failure: Error> {
    private let bytes: [UInt8]
    private var position = 0
    private let truncated: Failure

    public init(_ bytes: [UInt8], truncated: Failure) {
        self.bytes = bytes
        self.truncated = truncated
    }

    public var isAtEnd: Bool { position == bytes.count }

    public mutating func u8() throws(Failure) -> UInt8 {
        guard position < bytes.count else { throw truncated }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func u64() throws(Failure) -> UInt64 {
        guard bytes.count - position >= 8 else { throw truncated }
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(bytes[position + i]) }
        position += 8
        return v
    }

    public mutating func i64() throws(Failure) -> Int64 { Int64(bitPattern: try u64()) }

    public mutating func blob() throws(Failure) -> [UInt8] {
        guard bytes.count - position >= 4 else { throw truncated }
        var n = 0
        for i in (0..<4).reversed() { n = n << 8 | Int(bytes[position + i]) }
        position += 4
        guard bytes.count - position >= n else { throw truncated }
        defer { position += n }
        return Array(bytes[position..<position + n])
    }

    public mutating func string() throws(Failure) -> String {
        String(decoding: try blob(), as: UTF8.self)
    }

    public mutating func optionalString() throws(Failure) -> String? {
        try u8() == 0 ? nil : try string()
    }
}
