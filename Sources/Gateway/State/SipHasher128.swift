/// SipHash-2-4 with the 128-bit output of the reference implementation, fed in pieces.
struct SipHasher128 {
    private var v0, v1, v2, v3: UInt64
    private var tail: UInt64 = 0
    private var tailBytes: UInt64 = 0
    private var length: UInt64 = 0

    init(key: DigestKey) {
        v0 = 0x736f_6d65_7073_6575 ^ key.k0
        v1 = 0x646f_7261_6e64_6f6d ^ key.k1 ^ 0xee
        v2 = 0x6c79_6765_6e65_7261 ^ key.k0
        v3 = 0x7465_6462_7974_6573 ^ key.k1
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let count = bytes.count
        // Whole words go straight in once earlier pieces left no partial word.
        while index < count && tailBytes != 0 { feed(byte: bytes[index]); index += 1 }
        while count - index >= 8 {
            compress(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self).littleEndian)
            length += 8
            index += 8
        }
        while index < count { feed(byte: bytes[index]); index += 1 }
    }

    mutating func feed(byte: UInt8) {
        tail |= UInt64(byte) << (8 * tailBytes)
        tailBytes += 1
        length += 1
        if tailBytes == 8 {
            compress(tail)
            tail = 0
            tailBytes = 0
        }
    }

    mutating func finish() -> KeyDigest {
        compress(tail | (length << 56))
        v2 ^= 0xee
        for _ in 0..<4 { round() }
        let high = v0 ^ v1 ^ v2 ^ v3
        v1 ^= 0xdd
        for _ in 0..<4 { round() }
        return KeyDigest(high: high, low: v0 ^ v1 ^ v2 ^ v3)
    }

    private mutating func compress(_ m: UInt64) {
        v3 ^= m
        round()
        round()
        v0 ^= m
    }

    @inline(__always)
    private mutating func round() {
        v0 &+= v1; v1 = v1.rotated(13); v1 ^= v0; v0 = v0.rotated(32)
        v2 &+= v3; v3 = v3.rotated(16); v3 ^= v2
        v0 &+= v3; v3 = v3.rotated(21); v3 ^= v0
        v2 &+= v1; v1 = v1.rotated(17); v1 ^= v2; v2 = v2.rotated(32)
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotated(_ by: UInt64) -> UInt64 { (self << by) | (self >> (64 - by)) }
}
