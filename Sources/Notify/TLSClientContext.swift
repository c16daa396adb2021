import COpenSSL

/// The TLS settings of one `https://` subscriber, through OpenSSL: TLS 1.2 or later, the
/// peer's certificate checked against the system's trusted roots (or the subscriber's own
/// `ca_file`) and against the host name in its URL. Connections are made by the notifier's
/// own client to exactly the address the SSRF guard checked; no library resolves the name
/// again, follows a redirect, or holds an answer of unbounded size.
final class TLSClientContext: @unchecked Sendable {
    // SSL_CTX is safe to share once configured: each connection gets its own SSL from it.
    let context: OpaquePointer

    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    init(caFile: String?) throws(Problem) {
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw Problem(description: "TLS context: \(Self.lastError())") }
        self.context = context
        guard gh_ssl_ctx_min_tls12(context) == 1 else { throw Problem(description: "TLS context: cannot require TLS 1.2") }
        _ = gh_ssl_ctx_write_modes(context)
        // A server that closes without close_notify ends an answer framed by the close (the
        // parser still refuses a cut Content-Length or chunked body); no renegotiation, whose
        // records a peer could keep sending inside one read.
        _ = gh_ssl_ctx_client_options(context)
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else {
            throw Problem(description: caFile.map { "ca_file \($0) holds no usable certificate: \(Self.lastError())" }
                          ?? "cannot load the system's trusted certificates: \(Self.lastError())")
        }
    }

    deinit { SSL_CTX_free(context) }

    /// OpenSSL's latest error on this thread, as text (and the queue cleared).
    static func lastError() -> String {
        let code = ERR_peek_last_error()
        ERR_clear_error()
        guard code != 0 else { return "unknown error" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
