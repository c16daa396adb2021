import COpenSSL

/// The HMAC implementation fetched from OpenSSL's default provider, shared by every
/// streaming computation.
///
/// Fetching once matters: a fetch walks the provider store under a lock, and a busy
/// gateway verifies on every core at once.
struct HMACAlgorithm: @unchecked Sendable {
    // @unchecked: a fetched EVP_MAC is immutable and reference counted; OpenSSL
    // documents fetched algorithms as safe to share between threads.
    let mac: OpaquePointer

    static let shared: HMACAlgorithm = {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else {
            fatalError("OpenSSL provides no HMAC implementation")
        }
        return HMACAlgorithm(mac: mac)
    }()

    /// Runs `body` with an OSSL_PARAM list selecting SHA-256. The list points into
    /// C strings that only live for this call, so it must not escape.
    static func withSHA256Parameters<R>(_ body: (UnsafePointer<OSSL_PARAM>) -> R) -> R {
        "digest".withCString { name in
            "SHA256".withCString { digest in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                    OSSL_PARAM_construct_end(),
                ]
                return parameters.withUnsafeMutableBufferPointer { list in
                    body(UnsafePointer(list.baseAddress!))
                }
            }
        }
    }
}
