import Foundation
import Glibc
import Synchronization

/// `getaddrinfo` for TCP, every address it returns (IPv4 and IPv6).
enum HostResolver {
    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
    }

    /// As `resolve(_:port:)`, but waits at most `seconds` for a name: `getaddrinfo` cannot be
    /// cancelled and a slow resolver can take tens of seconds, which would stall the
    /// subscriber's worker (every connection of it) past the attempt's own deadline. The
    /// lookup runs on a thread of its own and is abandoned, not waited for, when late.
    /// An address literal needs no lookup and is answered at once.
    static func resolve(_ host: String, port: UInt16, within seconds: Double) throws(Failure) -> [ResolvedAddress] {
        if isLiteral(host) { return try resolve(host, port: port) }
        final class Answer: Sendable {
            let result = Mutex<Result<[ResolvedAddress], Failure>?>(nil)
            let done = DispatchSemaphore(value: 0)
        }
        let answer = Answer()
        Thread.detachNewThread {
            let result = Result { () throws(Failure) in try resolve(host, port: port) }
            answer.result.withLock { $0 = result }
            answer.done.signal()
        }
        guard answer.done.wait(timeout: .now() + max(0.001, seconds)) == .success, let result = answer.result.withLock({ $0 }) else {
            throw Failure(description: "host \(host): no DNS answer within \(String(format: "%.1f", seconds)) s")
        }
        return try result.get()
    }

    static func isLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    static func resolve(_ host: String, port: UInt16) throws(Failure) -> [ResolvedAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, nil, &hints, &list)
        guard rc == 0 else {
            throw Failure(description: "host \(host) does not resolve (\(String(cString: gai_strerror(rc))))")
        }
        defer { freeaddrinfo(list) }
        var out: [ResolvedAddress] = []
        var next = list
        while let entry = next {
            if let address = entry.pointee.ai_addr {
                switch entry.pointee.ai_family {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { sin in
                        var a = sin.pointee.sin_addr
                        out.append(ResolvedAddress(family: AF_INET, bytes: withUnsafeBytes(of: &a) { Array($0) }, port: port))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { sin in
                        var a = sin.pointee.sin6_addr
                        out.append(ResolvedAddress(family: AF_INET6, bytes: withUnsafeBytes(of: &a) { Array($0) }, port: port))
                    }
                default:
                    break
                }
            }
            next = entry.pointee.ai_next
        }
        guard !out.isEmpty else { throw Failure(description: "host \(host) resolves to no address") }
        return out
    }
}
