/// A response to send: status, headers and a complete body (Content-Length framed).
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(_ status: HTTPStatus, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = HTTPHeaders(headers)
        self.body = body
    }

    public init(_ status: HTTPStatus, contentType: String, body: String, headers: [(String, String)] = []) {
        self.init(status, headers: [("Content-Type", contentType)] + headers, body: Array(body.utf8))
    }

    /// A short plain-text answer, for untrusted senders: terse on purpose.
    public static func text(_ status: HTTPStatus, _ message: String? = nil, headers: [(String, String)] = []) -> HTTPResponse {
        HTTPResponse(status, contentType: "text/plain; charset=utf-8", body: (message ?? status.reason) + "\n", headers: headers)
    }

    public static func json(_ status: HTTPStatus, _ body: [UInt8], headers: [(String, String)] = []) -> HTTPResponse {
        guard headers.isEmpty else { return HTTPResponse(status, headers: [("Content-Type", "application/json")] + headers, body: body) }
        var response = HTTPResponse(status, body: body)
        response.headers = jsonHeaders
        return response
    }

    /// Built once: most answers (every accepted webhook) carry only this header.
    private static let jsonHeaders = HTTPHeaders([("Content-Type", "application/json")])

    /// Appends the wire form to `out`. The server decides Connection and Date; a HEAD
    /// answer keeps Content-Length but drops the body.
    /// `announceKeepAlive`: an HTTP/1.0 client's connection stays open only if the answer
    /// says so (`Connection: keep-alive`); for 1.1 it is the default and goes unsaid.
    func encode(into out: inout [UInt8], date: String, close: Bool, omitBody: Bool, announceKeepAlive: Bool = false) {
        // Appended piece by piece: string interpolation allocated three strings per answer.
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(status.code, to: &out)
        out.append(0x20)
        out.append(contentsOf: status.reason.utf8)
        out.append(contentsOf: "\r\nDate: ".utf8)
        out.append(contentsOf: date.utf8)
        out.append(contentsOf: "\r\n".utf8)
        for field in headers.fields where field.name != "content-length" && field.name != "connection" {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "Content-Length: ".utf8)
        Self.appendDecimal(body.count, to: &out)
        out.append(contentsOf: "\r\n".utf8)
        if close { out.append(contentsOf: "Connection: close\r\n".utf8) }
        if announceKeepAlive { out.append(contentsOf: "Connection: keep-alive\r\n".utf8) }
        out.append(contentsOf: "\r\n".utf8)
        if !omitBody { out.append(contentsOf: body) }
    }

    private static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        precondition(value >= 0)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(truncatingIfNeeded: 0x30 + n % 10)
                n /= 10
                count += 1
            } while n > 0
            out.append(contentsOf: buffer[(20 - count)...])
        }
    }
}
