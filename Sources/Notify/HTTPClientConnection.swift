import COpenSSL
import Glibc

/// One keep-alive HTTP/1.1 connection of a `PollingWorker`: a non-blocking socket and the
/// primitive steps the worker's poll loop drives (connect, write, read). Owned by that one
/// worker thread.
final class HTTPClientConnection {
    let fd: Int32
    let address: ResolvedAddress
    let openedAt: Int64
    /// Monotonic ns when its last answer was read.
    var lastUsed: Int64

    enum IO { case progress(Int), wouldBlock, closed, failed(Int32) }

    /// The TLS session on this socket, for an `https://` subscriber (nil for `http://`).
    private var tls: OpaquePointer?
    /// What the last `wouldBlock` waits for: TLS may need to read before it can write, and
    /// the other way round.
    private(set) var wanted = Int16(POLLOUT)
    /// Why the last TLS step failed, for the attempt's error.
    private(set) var tlsFailure: String?

    private init(fd: Int32, address: ResolvedAddress) {
        self.fd = fd
        self.address = address
        openedAt = WallClock.monotonicNanoseconds()
        lastUsed = openedAt
    }

    deinit {
        if let tls { SSL_free(tls) }
        Glibc.close(fd)
    }

    // MARK: - TLS

    /// Starts TLS on the connected socket for `host`: its name is sent (SNI) and the
    /// certificate must be valid for it (or, for an address literal, for that address).
    func startTLS(_ context: TLSClientContext, host: String) -> Bool {
        guard let ssl = SSL_new(context.context) else {
            tlsFailure = "TLS: \(TLSClientContext.lastError())"
            return false
        }
        tls = ssl
        guard SSL_set_fd(ssl, fd) == 1 else {
            tlsFailure = "TLS: \(TLSClientContext.lastError())"
            return false
        }
        let isAddress = host.contains(":") || host.utf8.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: ".") }
        // An address literal is checked as the address connected to: the resolver reads forms
        // (`010.0.0.1`, `127.1`) that OpenSSL's parser would take for another address. A name
        // is checked and sent (SNI) without a trailing dot, as certificates spell names.
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        let bound = isAddress ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), address.text) == 1
                              : SSL_set1_host(ssl, name) == 1 && gh_ssl_set_sni(ssl, name) == 1
        guard bound else {
            tlsFailure = "TLS: cannot check the certificate against \(host)"
            return false
        }
        SSL_set_connect_state(ssl)
        return true
    }

    /// One step of the TLS handshake: `.progress(0)` once it is done.
    func handshake() -> IO {
        guard let tls else { return .progress(0) }
        ERR_clear_error()  // SSL_get_error reads the queue: a stale entry would fail this call
        let rc = SSL_do_handshake(tls)
        if rc == 1 { return .progress(0) }
        let io = tlsIO(rc)
        if case .failed = io {
            let verify = SSL_get_verify_result(tls)
            if verify != X509_V_OK {
                tlsFailure = "TLS: certificate not accepted: \(String(cString: X509_verify_cert_error_string(verify)))"
            }
        }
        return io
    }

    /// What an SSL call that returned `rc` (not a success) means for the poll loop.
    private func tlsIO(_ rc: Int32) -> IO {
        let error = SSL_get_error(tls, rc)
        switch error {
        case SSL_ERROR_WANT_READ:
            wanted = Int16(POLLIN)
            return .wouldBlock
        case SSL_ERROR_WANT_WRITE:
            wanted = Int16(POLLOUT)
            return .wouldBlock
        case SSL_ERROR_ZERO_RETURN:
            return .closed
        case SSL_ERROR_SYSCALL:
            let code = errno
            let detail = ERR_peek_error() != 0 ? TLSClientContext.lastError() : nil
            if let detail { tlsFailure = "TLS: \(detail)" }
            return code == 0 && detail == nil ? .closed : .failed(code == 0 ? EPROTO : code)
        default:
            tlsFailure = "TLS: \(TLSClientContext.lastError())"
            return .failed(EPROTO)
        }
    }

    /// Starts connecting; `pending` while the handshake is under way (poll for writable).
    static func connect(to address: ResolvedAddress) throws(SendFailure) -> (connection: HTTPClientConnection, pending: Bool) {
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .connectFailed("socket: \(errorText(errno))") }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = address.withSockAddr { Glibc.connect(fd, $0, $1) }
        let code = errno
        guard rc == 0 || code == EINPROGRESS else {
            Glibc.close(fd)
            throw .connectFailed("\(address.text) port \(address.port): \(errorText(code))")
        }
        return (HTTPClientConnection(fd: fd, address: address), rc != 0)
    }

    /// After the socket turned writable: 0 when connected, else the errno of the failure.
    var connectError: Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error
    }

    func write(_ bytes: [UInt8], from offset: Int) -> IO {
        if let tls {
            ERR_clear_error()
            let n = bytes.withUnsafeBytes { raw in SSL_write(tls, raw.baseAddress! + offset, Int32(clamping: raw.count - offset)) }
            return n > 0 ? .progress(Int(n)) : tlsIO(n)
        }
        wanted = Int16(POLLOUT)
        while true {
            let n = bytes.withUnsafeBytes { raw in send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
            if n >= 0 { return .progress(n) }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IO {
        if let tls {
            ERR_clear_error()
            let n = SSL_read(tls, buffer.baseAddress, Int32(clamping: buffer.count))
            return n > 0 ? .progress(Int(n)) : tlsIO(n)
        }
        wanted = Int16(POLLIN)
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n > 0 { return .progress(n) }
            if n == 0 { return .closed }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
        }
    }

    /// An idle kept-alive connection that is readable was closed by the peer (or written to
    /// unasked): it must not carry the next request.
    var isStale: Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) != 0
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}
