/// Reads `WireWriter`'s layout from borrowed bytes without copying: fields come back as
/// views into the buffer, valid while it is. For hot paths (a restart's fold) that look at
/// a few fields of a record and keep none of its bytes.
public struct WireCursor {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    public mutating func u8() -> UInt8? {
        guard position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func u64() -> UInt64? {
        guard bytes.count - position >= 8 else { return nil }
        defer { position += 8 }
        return bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self).littleEndian
    }

    public mutating func i64() -> Int64? { u64().map { Int64(bitPattern: $0) } }

    /// What `WireWriter.words` wrote.
    public mutating func words() -> [UInt64]? {
        guard let n = u64(), n <= UInt64((bytes.count - position) / 8) else { return nil }
        let count = Int(n)
        let start = position
        position += count * 8
        return [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = bytes.loadUnaligned(fromByteOffset: start + i * 8, as: UInt64.self).littleEndian }
            initialized = count
        }
    }

    public var isAtEnd: Bool { position == bytes.count }

    /// A length-prefixed field (`blob` or `string`) as a view.
    public mutating func blob() -> UnsafeRawBufferPointer? {
        guard bytes.count - position >= 4 else { return nil }
        let n = Int(bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian)
        guard bytes.count - position - 4 >= n else { return nil }
        defer { position += 4 + n }
        return UnsafeRawBufferPointer(rebasing: bytes[(position + 4)..<(position + 4 + n)])
    }
}
