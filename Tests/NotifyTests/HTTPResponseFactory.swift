import HTTP1

/// Short answers for sink scripts.
enum HTTPResponseFactory {
    static func status(_ code: Int, headers: [(String, String)] = [], body: String = "") -> HTTPResponse {
        HTTPResponse(HTTPStatus(code), headers: headers, body: Array(body.utf8))
    }
}
