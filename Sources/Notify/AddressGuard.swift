/// The SSRF guard: subscriber URLs come from configuration, but a name can be pointed at
/// the gateway's own network (or a cloud metadata service) at any time, so every address a
/// host resolves to is checked before connecting, at config load and again for every new
/// connection. One forbidden address refuses the host: a round-robin name cannot smuggle
/// an internal address in among public ones.
enum AddressGuard {
    enum Category: String, Sendable {
        case loopback
        case privateNetwork = "private"
        case linkLocal = "link-local (includes cloud metadata 169.254.169.254)"
        case unspecified
        case sharedAddressSpace = "shared address space (CGNAT 100.64.0.0/10)"
        case multicast
        case broadcast
        case reserved
    }

    struct Refusal: Error, Sendable, CustomStringConvertible {
        let host: String
        let address: String
        let category: Category
        var description: String { "host \(host) resolves to \(address), a \(category.rawValue) address" }
    }

    /// Resolves `target`'s host and returns its addresses, or throws naming the forbidden one.
    static func resolve(_ target: DeliveryTarget, allowPrivate: Bool, within seconds: Double = 10) throws(SendFailure) -> [ResolvedAddress] {
        let addresses: [ResolvedAddress]
        do { addresses = try HostResolver.resolve(target.host, port: target.port, within: seconds) } catch {
            throw .resolveFailed(error.description)
        }
        if !allowPrivate, let refusal = check(addresses, host: target.host) { throw .refusedAddress(refusal.description) }
        return addresses
    }

    static func check(_ addresses: [ResolvedAddress], host: String) -> Refusal? {
        for address in addresses {
            if let category = category(of: address.bytes) {
                return Refusal(host: host, address: address.text, category: category)
            }
        }
        return nil
    }

    /// Nil for an ordinary public unicast address.
    static func category(of bytes: [UInt8]) -> Category? {
        if bytes.count == 4 { return category(ipv4: bytes[0], bytes[1], bytes[2], bytes[3]) }
        guard bytes.count == 16 else { return .reserved }
        let prefix12 = Array(bytes[0..<12])
        let v4 = (bytes[12], bytes[13], bytes[14], bytes[15])
        // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d)
        // reach IPv4 hosts: judge the IPv4 address inside.
        if prefix12 == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
            || prefix12 == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] {
            return category(ipv4: v4.0, v4.1, v4.2, v4.3)
        }
        // Local-use NAT64 (64:ff9b:1::/48, RFC 8215): the IPv4 address sits in the last 32 bits.
        if bytes[0..<6].elementsEqual([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01]) {
            return category(ipv4: v4.0, v4.1, v4.2, v4.3) ?? .reserved
        }
        // 6to4 (2002::/16) carries an IPv4 address in bits 16-47: judge it.
        if bytes[0] == 0x20 && bytes[1] == 0x02, let inner = category(ipv4: bytes[2], bytes[3], bytes[4], bytes[5]) {
            return inner
        }
        if prefix12.allSatisfy({ $0 == 0 }) {
            if v4 == (0, 0, 0, 0) { return .unspecified }
            if v4 == (0, 0, 0, 1) { return .loopback }
            return category(ipv4: v4.0, v4.1, v4.2, v4.3)
        }
        if bytes[0] & 0xfe == 0xfc { return .privateNetwork }          // fc00::/7 unique local
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0x80 { return .linkLocal }   // fe80::/10
        if bytes[0] == 0xfe && bytes[1] & 0xc0 == 0xc0 { return .privateNetwork }  // fec0::/10 site-local (deprecated)
        if bytes[0] == 0xff { return .multicast }
        return nil
    }

    static func category(ipv4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> Category? {
        switch a {
        case 0: return .unspecified                      // 0.0.0.0/8 "this network"
        case 10: return .privateNetwork
        case 127: return .loopback
        case 100 where b & 0xc0 == 64: return .sharedAddressSpace
        case 169 where b == 254: return .linkLocal
        case 172 where b & 0xf0 == 16: return .privateNetwork
        case 192 where b == 168: return .privateNetwork
        case 192 where b == 0 && c == 0: return .reserved       // 192.0.0.0/24 IETF protocol assignments
        case 198 where b & 0xfe == 18: return .reserved         // 198.18.0.0/15 benchmarking
        case 224...239: return .multicast
        case 255 where b == 255 && c == 255 && d == 255: return .broadcast
        case 240...255: return .reserved
        default: return nil
        }
    }
}
