/// Writes records' fields in the compact layout the log's events and the notifier's
/// delivery events share (integers little endian, strings and bytes with a u32 length in
/// front), so the gateway can embed one in the other as it is.
public struct WireWriter {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }

    public mutating func u64(_ v: UInt64) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
    }

    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }

    public mutating func blob(_ v: [UInt8]) {
        var n = UInt32(v.count).littleEndian
        withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: v)
    }

    /// A count and then the words themselves, copied in one piece: for large tables.
    public mutating func words(_ v: [UInt64]) {
        u64(UInt64(v.count))
        v.withUnsafeBufferPointer { buffer in
            if UInt64(1).littleEndian == 1 {
                bytes.append(contentsOf: UnsafeRawBufferPointer(buffer))
            } else {
                for w in buffer { u64(w) }
            }
        }
    }

    /// The same bytes as `blob(Array(v.utf8))`, without the intermediate array (every log
    /// record has a few strings).
    public mutating func string(_ v: String) {
        var n = UInt32(v.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: v.utf8)
    }

    public mutating func optionalString(_ v: String?) {
        u8(v == nil ? 0 : 1)
        if let v { string(v) }
    }
}
