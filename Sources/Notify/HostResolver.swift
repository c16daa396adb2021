import Glibc

/// `getaddrinfo` for TCP, every address it returns (IPv4 and IPv6).
enum HostResolver {
    struct Failure: Error, Sendable, CustomStringConvertible {
        let description: String
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
