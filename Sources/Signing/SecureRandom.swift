import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= Int(Int32.max), "SecureRandom.bytes: count out of range")
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        let status = bytes.withUnsafeMutableBufferPointer { out in
            RAND_bytes(out.baseAddress, Int32(count))
        }
        // Handing out predictable ids or secrets would be worse than stopping.
        guard status == 1 else { fatalError("OpenSSL RAND_bytes failed: no secure randomness") }
        return bytes
    }
}
