import COpenSSL

/// HMAC-SHA256 through OpenSSL.
public enum HMACSHA256 {
    /// Length of every tag this type returns.
    public static let byteCount = 32

    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        var tag = [UInt8](repeating: 0, count: byteCount)
        var tagLength: UInt32 = 0
        let produced = key.withNonNullBytes { keyBytes in
            message.withNonNullBytes { messageBytes in
                tag.withUnsafeMutableBufferPointer { out in
                    HMAC(EVP_sha256(), keyBytes.base, Int32(keyBytes.count),
                         messageBytes.base, messageBytes.count, out.baseAddress, &tagLength)
                }
            }
        }
        // Only allocation failure inside OpenSSL gets here; no caller could recover.
        guard produced != nil, Int(tagLength) == byteCount else {
            fatalError("OpenSSL HMAC-SHA256 failed")
        }
        return tag
    }

    /// The tag of the parts' concatenation, streamed so a large body is never copied
    /// just to prepend a timestamp.
    public static func authenticate(parts: [[UInt8]], key: [UInt8]) -> [UInt8] {
        guard let context = EVP_MAC_CTX_new(HMACAlgorithm.shared.mac) else {
            fatalError("OpenSSL could not allocate an HMAC context")
        }
        defer { EVP_MAC_CTX_free(context) }

        let initialised = key.withNonNullBytes { keyBytes in
            HMACAlgorithm.withSHA256Parameters { parameters in
                EVP_MAC_init(context, keyBytes.base, keyBytes.count, parameters)
            }
        }
        guard initialised == 1 else { fatalError("OpenSSL could not initialise HMAC-SHA256") }

        for part in parts where !part.isEmpty {
            let updated = part.withUnsafeBufferPointer { bytes in
                EVP_MAC_update(context, bytes.baseAddress, bytes.count)
            }
            guard updated == 1 else { fatalError("OpenSSL HMAC-SHA256 update failed") }
        }

        var tag = [UInt8](repeating: 0, count: byteCount)
        var tagLength = 0
        let finished = tag.withUnsafeMutableBufferPointer { out in
            EVP_MAC_final(context, out.baseAddress, &tagLength, out.count)
        }
        guard finished == 1, tagLength == byteCount else {
            fatalError("OpenSSL HMAC-SHA256 final failed")
        }
        return tag
    }
}
