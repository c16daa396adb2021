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

    private init(fd: Int32, address: ResolvedAddress) {
        self.fd = fd
        self.address = address
        openedAt = WallClock.monotonicNanoseconds()
        lastUsed = openedAt
    }

    deinit { Glibc.close(fd) }

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
        while true {
            let n = bytes.withUnsafeBytes { raw in send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL)) }
            if n >= 0 { return .progress(n) }
            let code = errno
            if code == EINTR { continue }
            return code == EAGAIN || code == EWOULDBLOCK ? .wouldBlock : .failed(code)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IO {
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
