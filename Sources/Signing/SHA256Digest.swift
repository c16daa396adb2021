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

    /// The digest of the parts one after another (one part, the usual case, is not copied).
    public static func hash(parts: [[UInt8]]) -> [UInt8] {
        parts.count == 1 ? hash(parts[0]) : hash(Array(parts.joined()))
    }

    /// Lowercase hex of the digest, the form content hashes are logged and compared in.
    public static func hex(_ bytes: [UInt8]) -> String {
        Hex.encode(hash(bytes))
    }
}
