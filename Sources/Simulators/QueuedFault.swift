/// A staged fault and which requests it is waiting for.
public struct QueuedFault: Sendable, Equatable {
    public let fault: Fault
    /// How many more matching requests it will apply to.
    public internal(set) var remaining: Int
    /// Matched case-insensitively; nil matches any method.
    public let method: String?
    /// Matched against the request path both as sent and with the API's base path removed,
    /// so `/contacts` and `/api/contacts` both work; nil matches any path.
    public let pathPrefix: String?

    public init(fault: Fault, remaining: Int, method: String? = nil, pathPrefix: String? = nil) {
        self.fault = fault
        self.remaining = remaining
        self.method = method
        self.pathPrefix = pathPrefix
    }

    func matches(method requestMethod: String, paths: [String]) -> Bool {
        if let method, method.uppercased() != requestMethod.uppercased() { return false }
        if let pathPrefix, !paths.contains(where: { $0.hasPrefix(pathPrefix) }) { return false }
        return true
    }
}
