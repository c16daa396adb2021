/// The 24 bytes that open every segment file: magic, version, base offset and a
/// CRC over those. The base makes a segment self-describing, so a renamed or
/// misplaced file is caught instead of silently shifting every offset in it.
struct SegmentHeader: Sendable, Equatable {
    static let size = 24
    static let magic: [UInt8] = Array("GHEVTLOG".utf8)
    static let version: UInt32 = 1

    let base: UInt64

    func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(Self.size)
        withUnsafeBytes(of: Self.version.littleEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: base.littleEndian) { bytes.append(contentsOf: $0) }
        let crc = CRC32C.checksum(bytes)
        withUnsafeBytes(of: crc.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> Result<SegmentHeader, FormatProblem> {
        guard bytes.count >= size else {
            return .failure(FormatProblem(reason: "segment header is \(bytes.count) of \(size) bytes"))
        }
        if bytes.prefix(size).allSatisfy({ $0 == 0 }) {
            return .failure(FormatProblem(reason: "segment header is zeroed"))
        }
        guard bytes.prefix(magic.count).elementsEqual(magic) else {
            return .failure(FormatProblem(reason: "bad segment magic"))
        }
        let stored = bytes.loadUnaligned(fromByteOffset: 20, as: UInt32.self).littleEndian
        let computed = CRC32C.update(0, UnsafeRawBufferPointer(rebasing: bytes[0..<20]))
        guard stored == computed else {
            return .failure(FormatProblem(reason: "segment header CRC mismatch"))
        }
        let version = bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
        guard version == Self.version else {
            return .failure(FormatProblem(reason: "unsupported segment version \(version)"))
        }
        return .success(SegmentHeader(base: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self).littleEndian))
    }
}
