import COpenSSL

/// SHA-256 through OpenSSL.
public enum SHA256Digest {
    public static let byteCount = 32

    public static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: byteCount)
        let produced = bytes.withNonNullBytes { input in
            digest.withUnsafeMutableBufferPointer { out in
                SHA256(input.base, input.count, out.baseAddress)
            }
        }
        guard produced != nil else { fatalError("OpenSSL SHA-256 failed") }
        return digest
    }

    /// The digest of the parts one after another, fed to one digest in turn (a body is not
    /// copied to put a timestamp in front of it).
    public static func hash(parts: [[UInt8]]) -> [UInt8] {
        if parts.count == 1 { return hash(parts[0]) }
        guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        var ok = EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1
        for part in parts where ok {
            ok = part.withNonNullBytes { EVP_DigestUpdate(context, $0.base, $0.count) } == 1
        }
        var digest = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        ok = ok && digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) } == 1
        guard ok, length == UInt32(byteCount) else { fatalError("OpenSSL SHA-256 failed") }
        return digest
    }

    /// Lowercase hex of the digest, the form content hashes are logged and compared in.
    public static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(hash(bytes))
    }
}
