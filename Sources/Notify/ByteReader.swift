/// Reads what `ByteWriter` wrote, bounds-checked: a payload can come from a newer or
/// damaged writer.
struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func u8() throws(DeliveryEventDecodingError) -> UInt8 {
        guard position < bytes.count else { throw .truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func i64() throws(DeliveryEventDecodingError) -> Int64 {
        guard bytes.count - position >= 8 else { throw .truncated }
        var v: UInt64 = 0
        for i in (0..<8).reversed() { v = v << 8 | UInt64(bytes[position + i]) }
        position += 8
        return Int64(bitPattern: v)
    }

    mutating func int() throws(DeliveryEventDecodingError) -> Int {
        let v = try i64()
        guard let n = Int(exactly: v) else { throw .invalid("integer out of range") }
        return n
    }

    mutating func blob() throws(DeliveryEventDecodingError) -> [UInt8] {
        guard bytes.count - position >= 4 else { throw .truncated }
        var n = 0
        for i in (0..<4).reversed() { n = n << 8 | Int(bytes[position + i]) }
        position += 4
        guard bytes.count - position >= n else { throw .truncated }
        defer { position += n }
        return Array(bytes[position..<position + n])
    }

    mutating func string() throws(DeliveryEventDecodingError) -> String {
        String(decoding: try blob(), as: UTF8.self)
    }
}
