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
        HTTPResponse(status, headers: [("Content-Type", "application/json")] + headers, body: body)
    }

    /// Appends the wire form to `out`. The server decides Connection and Date; a HEAD
    /// answer keeps Content-Length but drops the body.
    func encode(into out: inout [UInt8], date: String, close: Bool, omitBody: Bool) {
        out.append(contentsOf: "HTTP/1.1 \(status.code) \(status.reason)\r\n".utf8)
        out.append(contentsOf: "Date: \(date)\r\n".utf8)
        for field in headers.fields where field.name != "content-length" && field.name != "connection" {
            out.append(contentsOf: field.name.utf8)
            out.append(contentsOf: ": ".utf8)
            out.append(contentsOf: field.value.utf8)
            out.append(contentsOf: "\r\n".utf8)
        }
        out.append(contentsOf: "Content-Length: \(body.count)\r\n".utf8)
        if close { out.append(contentsOf: "Connection: close\r\n".utf8) }
        out.append(contentsOf: "\r\n".utf8)
        if !omitBody { out.append(contentsOf: body) }
    }
}
