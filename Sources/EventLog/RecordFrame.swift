/// A record on disk: crc32c (u32 LE) | length (u32 LE) | payload.
///
/// The CRC covers the record's own log offset as well as length and payload.
/// The offset is not stored, so a frame is valid only where it was written: a
/// payload that happens to contain a well-formed frame, or stale bytes left at
/// another position, can never pass for a record during recovery.
enum RecordFrame {
    static let headerSize = 8
    /// The format's own ceiling; `FileLogOptions.maxRecordSize` is usually far lower.
    static let maxPayload = 1 << 30

    static func checksum(offset: UInt64, length: UInt32, payload: UnsafeRawBufferPointer) -> UInt32 {
        var crc = withUnsafeBytes(of: offset.littleEndian) { CRC32C.update(0, $0) }
        crc = withUnsafeBytes(of: length.littleEndian) { CRC32C.update(crc, $0) }
        return CRC32C.update(crc, payload)
    }

    static func append(_ payload: [UInt8], offset: UInt64, to buffer: inout [UInt8]) {
        let length = UInt32(payload.count)
        let crc = payload.withUnsafeBytes { checksum(offset: offset, length: length, payload: $0) }
        withUnsafeBytes(of: crc.littleEndian) { buffer.append(contentsOf: $0) }
        withUnsafeBytes(of: length.littleEndian) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: payload)
    }

    /// The payload length of a valid frame at `position`, or nil. `limit` caps the
    /// length before any CRC work, which keeps scans over garbage cheap.
    static func validLength(in bytes: UnsafeRawBufferPointer, at position: Int, offset: UInt64, limit: Int) -> Int? {
        let available = bytes.count - position
        guard available >= headerSize else { return nil }
        let length = Int(bytes.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self).littleEndian)
        guard length <= limit, length <= available - headerSize else { return nil }
        let stored = bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self).littleEndian
        // Eight zero bytes are preallocated space, never a record; and as the writer refuses
        // empty payloads, a zero length is never a record whatever its checksum.
        guard length != 0 else { return nil }
        let payload = UnsafeRawBufferPointer(rebasing: bytes[(position + headerSize)..<(position + headerSize + length)])
        guard checksum(offset: offset, length: UInt32(length), payload: payload) == stored else { return nil }
        return length
    }

    /// Explains why `validLength` rejected the frame at `position`, for reports.
    static func diagnose(in bytes: UnsafeRawBufferPointer, at position: Int) -> String {
        let available = bytes.count - position
        let window = bytes[position..<min(bytes.count, position + headerSize)]
        if window.allSatisfy({ $0 == 0 }) {
            return available >= headerSize ? "zeroed bytes where a record header should be"
                : "partial record header (\(available) zero bytes)"
        }
        guard available >= headerSize else {
            return "partial record header (\(available) of \(headerSize) bytes)"
        }
        let length = Int(bytes.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self).littleEndian)
        if length > available - headerSize {
            return "record length \(length) runs past the end of the segment (\(available - headerSize) bytes left)"
        }
        return "record CRC mismatch (length \(length))"
    }
}
