@testable import HTTP1
import XCTest

/// The wire form of an answer, byte for byte: encoding appends pieces instead of
/// interpolating strings, and must write exactly what the interpolation wrote.
final class HTTPResponseEncodingTests: XCTestCase {
    private func encoded(_ response: HTTPResponse, close: Bool = false, head: Bool = false) -> String {
        var out: [UInt8] = []
        response.encode(into: &out, date: "Thu, 26 Nov 2026 02:27:31 GMT", close: close, omitBody: head)
        return String(decoding: out, as: UTF8.self)
    }

    func testStatusHeadersLengthAndBody() {
        XCTAssertEqual(encoded(.json(.ok, Array(#"{"a":1}"#.utf8))),
                       "HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 02:27:31 GMT\r\ncontent-type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        XCTAssertEqual(encoded(.text(.serviceUnavailable, "busy", headers: [("Retry-After", "1")]), close: true),
                       "HTTP/1.1 503 Service Unavailable\r\nDate: Thu, 26 Nov 2026 02:27:31 GMT\r\ncontent-type: text/plain; charset=utf-8\r\n"
                       + "retry-after: 1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nbusy\n")
        XCTAssertEqual(encoded(HTTPResponse(HTTPStatus(299, "Odd"), headers: [("Content-Length", "9"), ("Connection", "x")])),
                       "HTTP/1.1 299 Odd\r\nDate: Thu, 26 Nov 2026 02:27:31 GMT\r\nContent-Length: 0\r\n\r\n")
        let big = [UInt8](repeating: 0x61, count: 1_234_567)
        XCTAssertTrue(encoded(HTTPResponse(.ok, body: big), head: true).hasSuffix("Content-Length: 1234567\r\n\r\n"))
        XCTAssertEqual(encoded(.json(HTTPStatus(201), [], headers: [("Location", "/x")])),
                       "HTTP/1.1 201 Created\r\nDate: Thu, 26 Nov 2026 02:27:31 GMT\r\ncontent-type: application/json\r\nlocation: /x\r\nContent-Length: 0\r\n\r\n")
    }
}
