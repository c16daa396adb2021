/// Bounds on what one client may make the server hold or wait for.
public struct HTTPLimits: Sendable {
    /// Request line plus header fields, in bytes (431 past it).
    public var maxHeaderBytes: Int = 16 * 1024
    public var maxHeaderCount: Int = 100
    /// Decoded body size (413 past it).
    public var maxBodyBytes: Int = 1024 * 1024
    /// From a request's first byte to the end of its header block: a slowloris bound.
    public var headerTimeoutMilliseconds: Int64 = 10_000
    /// From the end of the header block to the end of the body.
    public var bodyTimeoutMilliseconds: Int64 = 30_000
    /// How long a keep-alive connection may sit with no request.
    public var idleTimeoutMilliseconds: Int64 = 60_000
    public var maxConnections: Int = 10_000

    public init() {}
}
