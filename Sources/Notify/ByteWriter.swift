/// Little-endian integers and u32-length-prefixed bytes: the same compact layout as the
/// gateway's own log events, so the gateway can embed these payloads as they are.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func i64(_ v: Int64) {
        var x = UInt64(bitPattern: v).littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    mutating func blob(_ v: [UInt8]) {
        var n = UInt32(truncatingIfNeeded: v.count).littleEndian
        withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: v)
    }

    mutating func string(_ v: String) {
        var n = UInt32(truncatingIfNeeded: v.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: v.utf8)
    }
}
