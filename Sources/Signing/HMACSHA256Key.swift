import COpenSSL

/// A key made ready for many HMAC-SHA256 computations: the SHA-256 states after the
/// inner (key ⊕ ipad) and outer (key ⊕ opad) blocks, per RFC 2104. Each tag then starts
/// from a copy of those plain C structs, so verifying a delivery allocates nothing in
/// OpenSSL and skips the key schedule; the EVP_MAC path allocated a dozen structures and
/// looked the digest up by name for every webhook.
public struct HMACSHA256Key: Sendable {
    private let inner: SHA256_CTX
    private let outer: SHA256_CTX

    public init(_ key: [UInt8]) {
        var block = [UInt8](repeating: 0, count: 64)
        if key.count > 64 {
            let digest = SHA256Digest.hash(key)
            block.replaceSubrange(0..<digest.count, with: digest)
        } else {
            block.replaceSubrange(0..<key.count, with: key)
        }
        defer { for i in block.indices { block[i] = 0 } }
        var inner = SHA256_CTX()
        var outer = SHA256_CTX()
        gh_sha256_init(&inner)
        gh_sha256_init(&outer)
        var pad = block.map { $0 ^ 0x36 }
        gh_sha256_update(&inner, pad, pad.count)
        pad = block.map { $0 ^ 0x5C }
        gh_sha256_update(&outer, pad, pad.count)
        for i in pad.indices { pad[i] = 0 }
        self.inner = inner
        self.outer = outer
    }

    /// The tag of the parts' concatenation (the same bytes as `HMACSHA256.authenticate`).
    public func authenticate(parts: [[UInt8]]) -> [UInt8] {
        var context = inner
        for part in parts where !part.isEmpty {
            part.withUnsafeBufferPointer { bytes in _ = gh_sha256_update(&context, bytes.baseAddress, bytes.count) }
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: HMACSHA256.byteCount) { innerDigest in
            _ = gh_sha256_final(innerDigest.baseAddress, &context)
            context = outer
            _ = gh_sha256_update(&context, innerDigest.baseAddress, innerDigest.count)
        }
        var tag = [UInt8](repeating: 0, count: HMACSHA256.byteCount)
        tag.withUnsafeMutableBufferPointer { out in _ = gh_sha256_final(out.baseAddress, &context) }
        return tag
    }
}
