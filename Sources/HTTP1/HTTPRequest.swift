import Sockets

/// One complete request as the decoder framed it: the body is fully read (de-chunked).
public struct HTTPRequest: Sendable {
    public let method: String
    /// The request target exactly as sent (origin form: path and query).
    public let target: String
    public let minorVersion: Int
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// Whether the connection may carry another request after this one.
    public let keepAlive: Bool
    public internal(set) var peer: SocketAddress?

    public init(method: String, target: String, minorVersion: Int = 1, headers: HTTPHeaders,
                body: [UInt8], keepAlive: Bool = true, peer: SocketAddress? = nil) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
        self.peer = peer
    }

    /// The target without its query string.
    public var path: Substring {
        // The decoder admits only visible ASCII in a target, so a byte search finds the same
        // `?` as a Character search, at a fraction of the cost (every request asks).
        if let q = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return target[..<q] }
        return target[...]
    }

    /// Decoded query parameters (`a=1&b=x%20y`); later duplicates win.
    public var query: [String: String] {
        guard let q = target.firstIndex(of: "?") else { return [:] }
        var result: [String: String] = [:]
        for pair in target[target.index(after: q)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = PercentDecoding.decode(parts[0])
            result[key] = parts.count > 1 ? PercentDecoding.decode(parts[1]) : ""
        }
        return result
    }
}
