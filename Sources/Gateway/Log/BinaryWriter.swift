/// Appends fields of a log event in the compact binary layout of docs/log-format.md
/// (integers little endian, strings and bytes with a u32 length in front).
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func u8(_ v: UInt8) { bytes.append(v) }

    mutating func u64(_ v: UInt64) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    mutating func blob(_ v: [UInt8]) {
        var n = UInt32(v.count).littleEndian
        withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: v)
    }

    mutating func string(_ v: String) { blob(Array(v.utf8)) }

    mutating func optionalString(_ v: String?) {
        u8(v == nil ? 0 : 1)
        if let v { string(v) }
    }
}
