/// A subscriber URL taken apart for sending: parsed by hand so that what is checked
/// (scheme, host, port) is exactly what is connected to, with no library normalising it.
struct DeliveryTarget: Sendable, Equatable {
    enum Scheme: Sendable, Equatable { case http, https }

    let scheme: Scheme
    /// Lowercased; an IPv6 literal without its brackets.
    let host: String
    let port: UInt16
    /// Origin form: path and query (`/hooks?x=1`), never empty.
    let requestTarget: String
    /// The `Host` header: host, brackets for IPv6, and the port unless it is the default.
    let hostHeader: String

    /// A problem with the URL, phrased to follow "url ..." in an error naming the subscriber.
    /// It never repeats the URL, whose query may hold a token.
    struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        let description: String
    }

    static func parse(_ url: String) throws(Problem) -> DeliveryTarget {
        let text = Substring(url)
        let scheme: Scheme
        let rest: Substring
        if text.lowercased().hasPrefix("http://") {
            scheme = .http
            rest = text.dropFirst(7)
        } else if text.lowercased().hasPrefix("https://") {
            scheme = .https
            rest = text.dropFirst(8)
        } else {
            throw Problem(description: "must start with http:// or https://")
        }
        let withoutFragment = rest.prefix { $0 != "#" }
        let authorityEnd = withoutFragment.firstIndex { $0 == "/" || $0 == "?" } ?? withoutFragment.endIndex
        let authority = withoutFragment[..<authorityEnd]
        var path = String(withoutFragment[authorityEnd...])
        if path.isEmpty { path = "/" } else if path.hasPrefix("?") { path = "/" + path }
        guard path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Problem(description: "has spaces, control or non-ASCII characters in its path (percent-encode them)")
        }
        guard !authority.contains("@") else {
            throw Problem(description: "carries credentials (user@host): put them in `headers` instead")
        }
        let (host, portText, bracketed) = try splitAuthority(authority)
        let defaultPort: UInt16 = scheme == .http ? 80 : 443
        var port = defaultPort
        if let portText {
            guard let p = UInt16(portText), p > 0 else { throw Problem(description: "has an invalid port") }
            port = p
        }
        let lowered = host.lowercased()
        guard !lowered.isEmpty else { throw Problem(description: "has no host") }
        let allowed: (UInt8) -> Bool = bracketed
            ? { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") || Self.isHexDigit($0) }
            : { Self.isHostCharacter($0) }
        guard lowered.utf8.allSatisfy(allowed) else { throw Problem(description: "has an invalid host") }
        let shownHost = bracketed ? "[\(lowered)]" : lowered
        return DeliveryTarget(scheme: scheme, host: lowered, port: port, requestTarget: path,
                              hostHeader: port == defaultPort ? shownHost : "\(shownHost):\(port)")
    }

    private static func splitAuthority(_ authority: Substring) throws(Problem) -> (Substring, Substring?, Bool) {
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw Problem(description: "has an unclosed '[' in its host") }
            let host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty { return (host, nil, true) }
            guard after.hasPrefix(":") else { throw Problem(description: "has text after its IPv6 host") }
            return (host, after.dropFirst(), true)
        }
        let parts = authority.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw Problem(description: "has an IPv6 host without brackets") }
        return (parts[0], parts.count == 2 ? parts[1] : nil, false)
    }

    private static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "f"))
    }

    private static func isHostCharacter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
            || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
    }
}
