import CLinux
import Glibc

/// An IPv4 or IPv6 address and port the gateway listens on, parsed from `HOST:PORT`
/// (`127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:0`).
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    public enum Family: Sendable, Hashable { case ipv4, ipv6 }
    public let host: String
    public let port: UInt16
    public let family: Family

    public init(host: String, port: UInt16) throws(SocketError) {
        self.host = host
        self.port = port
        if host.contains(":") {
            var probe = in6_addr()
            guard inet_pton(AF_INET6, host, &probe) == 1 else { throw .invalidAddress("\(host) is not an IPv6 address") }
            family = .ipv6
        } else {
            var probe = in_addr()
            guard inet_pton(AF_INET, host, &probe) == 1 else { throw .invalidAddress("\(host) is not an IPv4 address (names are not resolved: use 127.0.0.1 or 0.0.0.0)") }
            family = .ipv4
        }
    }

    /// Parses `HOST:PORT`; IPv6 hosts go in brackets.
    public init(parsing text: String) throws(SocketError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw .invalidAddress("\(text): missing ']'") }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .invalidAddress("\(text): expected ':PORT' after ']'") }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw .invalidAddress("\(text): expected HOST:PORT") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else { throw .invalidAddress("\(text): port must be 0–65535") }
        try self.init(host: String(host), port: port)
    }

    public var description: String { family == .ipv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Calls `body` with a filled `sockaddr` for bind/connect.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch family {
        case .ipv4:
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = port.bigEndian
            _ = inet_pton(AF_INET, host, &addr.sin_addr)
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .ipv6:
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = port.bigEndian
            _ = inet_pton(AF_INET6, host, &addr.sin6_addr)
            return withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    /// Reads a peer or local address out of a kernel-filled `sockaddr_storage`.
    static func from(_ storage: sockaddr_storage) -> SocketAddress? {
        var copy = storage
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                    var a = sin.pointee.sin_addr
                    var buf = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
                    inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count))
                    return try? SocketAddress(host: String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                                              port: UInt16(bigEndian: sin.pointee.sin_port))
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &copy) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                    var a = sin.pointee.sin6_addr
                    var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                    inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count))
                    return try? SocketAddress(host: String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                                              port: UInt16(bigEndian: sin.pointee.sin6_port))
                }
            }
        default:
            return nil
        }
    }

    /// True for 127.0.0.0/8, ::1 and IPv4-mapped loopback: operator endpoints trust only these when no token is set.
    public var isLoopback: Bool {
        switch family {
        case .ipv4: return host.hasPrefix("127.")
        case .ipv6: return host == "::1" || host.hasPrefix("::ffff:127.")
        }
    }
}
