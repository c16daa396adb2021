import CLinux
import Glibc

/// A non-blocking TCP listener. Each event loop binds its own with SO_REUSEPORT so the
/// kernel spreads new connections across loops without a shared accept lock.
public struct ListeningSocket: Sendable {
    public let fd: Int32
    public let address: SocketAddress

    public static func bind(_ address: SocketAddress, backlog: Int32 = 1024, reusePort: Bool = true) throws(SocketError) -> ListeningSocket {
        let domain = address.family == .ipv4 ? AF_INET : AF_INET6
        let fd = socket(domain, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketError.last("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        if reusePort {
            setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        let rc = address.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard rc == 0 else { let e = SocketError.last("bind \(address)"); Glibc.close(fd); throw e }
        guard listen(fd, backlog) == 0 else { let e = SocketError.last("listen"); Glibc.close(fd); throw e }
        _ = gh_set_nonblocking(fd)
        _ = gh_set_cloexec(fd)
        return ListeningSocket(fd: fd, address: try Self.localAddress(fd) ?? address)
    }

    /// Throws `bind` EADDRINUSE if anything listens on `address`: a bind without SO_REUSEPORT
    /// fails there even when the listener set it, where one with it would share the port.
    /// The probe only binds (never listens), so no client can reach it.
    public static func ensureFree(_ address: SocketAddress) throws(SocketError) {
        let fd = socket(address.family == .ipv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError.last("socket") }
        defer { Glibc.close(fd) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc = address.withSockAddr { Glibc.bind(fd, $0, $1) }
        guard rc == 0 else { throw SocketError.last("bind \(address)") }
    }

    /// The bound address: with port 0 the kernel picked one, and tests need to know it.
    static func localAddress(_ fd: Int32) throws(SocketError) -> SocketAddress? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        guard rc == 0 else { throw SocketError.last("getsockname") }
        return SocketAddress.from(storage)
    }

    /// Accepts one pending connection, already non-blocking, with Nagle off (responses are small
    /// and written whole, so delaying them only adds latency). Nil when none is pending.
    public func accept() -> AcceptedSocket? {
        var storage = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let client = withUnsafeMutablePointer(to: &storage) {
            gh_accept4(fd, $0, &len, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
        }
        guard client >= 0 else { return nil }
        var one: Int32 = 1
        setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return AcceptedSocket(fd: client, peer: SocketAddress.from(storage))
    }

    public func close() { _ = Glibc.close(fd) }
}

/// A freshly accepted client connection.
public struct AcceptedSocket: Sendable {
    public let fd: Int32
    public let peer: SocketAddress?
}
