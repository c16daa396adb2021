/// One attempt's POST: the signed headers are made per attempt (the timestamp changes),
/// the body once per notification.
struct OutboundRequest: Sendable {
    let target: DeliveryTarget
    /// Signing headers, then the subscriber's own (already validated: no CR, LF or framing names).
    let headers: [(String, String)]
    let body: [UInt8]

    static let userAgent = "Gatehouse-Notify/1"

    /// The HTTP/1.1 wire form, head and body in one buffer so it leaves in one write.
    func wireBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + body.count)
        out.append(contentsOf: "POST ".utf8)
        out.append(contentsOf: target.requestTarget.utf8)
        out.append(contentsOf: " HTTP/1.1\r\nHost: ".utf8)
        out.append(contentsOf: target.hostHeader.utf8)
        out.append(contentsOf: "\r\nUser-Agent: \(Self.userAgent)\r\nContent-Type: application/json\r\nContent-Length: ".utf8)
        out.append(contentsOf: String(body.count).utf8)
        out.append(contentsOf: "\r\n".utf8)
        for (name, value) in headers {
            out.append(contentsOf: name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "\r\n".utf8)
        out.append(contentsOf: body)
        return out
    }
}
