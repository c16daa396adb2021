@testable import Notify
import XCTest

/// Response framing as the client reads it, fed in awkward pieces.
final class ResponseParserTests: XCTestCase {
    /// Feeds `text` split at every `step` bytes; returns the response and whether EOF was needed.
    private func parse(_ text: String, step: Int = 1, eof: Bool = false) throws -> ClientResponse? {
        var parser = HTTPResponseParser()
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(bytes.count, i + step)])
            piece.withUnsafeBytes { parser.append($0) }
            if let response = try parser.next() { return response }
            i += step
        }
        return eof ? try parser.endOfStream() : nil
    }

    /// Each part of an answer has a bound, but a peer could repeat parts for ever: endless
    /// interim answers, or one-byte chunks behind long extensions (reads that end inside a
    /// line never emptied the buffer). Both now fail instead of growing memory.
    func testAnAnswerThatNeverEndsIsRefused() {
        func feed(_ piece: String, times: Int) -> Error? {
            var parser = HTTPResponseParser()
            let bytes = Array(piece.utf8)
            do {
                for _ in 0..<times {
                    bytes.withUnsafeBytes { parser.append($0) }
                    if try parser.next() != nil { return nil }
                }
            } catch { return error }
            return nil
        }
        XCTAssertNotNil(feed("HTTP/1.1 102 Processing\r\n\r\n", times: 100), "endless interim answers")
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        var parser = HTTPResponseParser()
        Array(head.utf8).withUnsafeBytes { parser.append($0) }
        let chunk = Array(("1;" + String(repeating: "x", count: 8000) + "\r\na\r\n").utf8)
        var failed = false
        for _ in 0..<1000 where !failed {
            chunk.withUnsafeBytes { parser.append($0) }
            do { _ = try parser.next() } catch { failed = true }
        }
        XCTAssertTrue(failed, "8 MB of chunk extensions were taken without end")
    }

    func testContentLengthKeepAlive() throws {
        for step in [1, 3, 1000] {
            let r = try XCTUnwrap(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Other: y\r\n\r\nhello", step: step))
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.bodyPrefix, Array("hello".utf8))
            XCTAssertTrue(r.reusable)
        }
        XCTAssertNil(try parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhell"))
    }

    func testChunkedWithExtensionsAndTrailers() throws {
        let text = "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nRetry-After: 7\r\n\r\n"
            + "4;ext=1\r\nbusy\r\n7\r\n, later\r\n0\r\nX-Trailer: t\r\n\r\n"
        for step in [1, 7, 1000] {
            let r = try XCTUnwrap(parse(text, step: step))
            XCTAssertEqual(r.status, 503)
            XCTAssertEqual(r.retryAfter, "7")
            XCTAssertEqual(String(decoding: r.bodyPrefix, as: UTF8.self), "busy, later")
            XCTAssertTrue(r.reusable)
        }
    }

    func testCloseDelimitedNeedsEndOfStream() throws {
        XCTAssertNil(try parse("HTTP/1.1 500 Oops\r\n\r\npartial body"))
        let r = try XCTUnwrap(parse("HTTP/1.1 500 Oops\r\n\r\nwhole body", eof: true))
        XCTAssertEqual(r.status, 500)
        XCTAssertEqual(r.bodyPrefix, Array("whole body".utf8))
        XCTAssertFalse(r.reusable)
    }

    func testConnectionCloseAndHTTP10AreNotReused() throws {
        XCTAssertFalse(try XCTUnwrap(parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")).reusable)
        XCTAssertFalse(try XCTUnwrap(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).reusable)
        XCTAssertTrue(try XCTUnwrap(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")).reusable)
    }

    func testInterimResponsesAreSkippedAndNoBodyStatuses() throws {
        let r = try XCTUnwrap(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"))
        XCTAssertEqual(r.status, 204)
        XCTAssertTrue(r.reusable)
    }

    func testLFOnlyLineEndsAndBareStatus() throws {
        let r = try XCTUnwrap(parse("HTTP/1.1 201\nContent-Length: 2\n\nok"))
        XCTAssertEqual(r.status, 201)
    }

    func testMalformedAnswersAreErrors() {
        for text in ["HTTP/2 200 OK\r\n\r\n", "ICY 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
                     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"] {
            XCTAssertThrowsError(try parse(text, step: 1000), text)
        }
        var parser = HTTPResponseParser()
        Array("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc".utf8).withUnsafeBytes { parser.append($0) }
        XCTAssertNil(try parser.next())
        XCTAssertThrowsError(try parser.endOfStream())
    }

    func testExtraBytesAfterTheAnswerPreventReuse() throws {
        XCTAssertFalse(try XCTUnwrap(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200", step: 1000)).reusable)
    }

    /// Lines of the chunked coding are bounded as the head is: a peer sending one forever
    /// once held a worker (and its memory) until the deadline, and rescanned it at every read.
    func testEndlessChunkLinesAndTrailersAreErrors() {
        let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        let endlessSize = head + "1;" + String(repeating: "x", count: 20_000)
        XCTAssertThrowsError(try parse(endlessSize, step: 4096)) { XCTAssertEqual(($0 as? HTTPResponseParser.Failure)?.reason, "chunk size line over 8192 bytes") }
        let longSize = head + "1;" + String(repeating: "x", count: 20_000) + "\r\na\r\n0\r\n\r\n"
        XCTAssertThrowsError(try parse(longSize, step: 100_000), "a complete line over the bound")
        let endlessTrailers = head + "0\r\n" + String(repeating: "X-T: y\r\n", count: 20_000)
        XCTAssertThrowsError(try parse(endlessTrailers, step: 4096)) { XCTAssertEqual(($0 as? HTTPResponseParser.Failure)?.reason, "trailers over 65536 bytes") }
        XCTAssertNotNil(try? parse(head + "1;ext=v\r\na\r\n0\r\nX-T: y\r\n\r\n", step: 3), "ordinary extensions and trailers still pass")
    }

    func testHugeBodiesAreNotDrained() throws {
        let r = try XCTUnwrap(parse("HTTP/1.1 500 X\r\nContent-Length: 99999999\r\n\r\n"))
        XCTAssertFalse(r.reusable)
    }

    func testRetryAfterSecondsAndDates() {
        let now: Int64 = 784_111_777_000  // Sun, 06 Nov 1994 08:49:37 GMT
        XCTAssertEqual(RetryAfter.seconds("120", nowMilliseconds: now), 120)
        XCTAssertEqual(RetryAfter.seconds(" 0 ", nowMilliseconds: now), 0)
        XCTAssertEqual(RetryAfter.seconds("Sun, 06 Nov 1994 08:50:37 GMT", nowMilliseconds: now), 60)
        XCTAssertEqual(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:00 GMT", nowMilliseconds: now), 0)
        XCTAssertEqual(RetryAfter.imfFixdateMilliseconds("Sun, 06 Nov 1994 08:49:37 GMT"), now)
        XCTAssertNil(RetryAfter.seconds("-5", nowMilliseconds: now))
        XCTAssertNil(RetryAfter.seconds("soon", nowMilliseconds: now))
        XCTAssertNil(RetryAfter.seconds("Sun, 06 Foo 1994 08:49:37 GMT", nowMilliseconds: now))
        XCTAssertNil(RetryAfter.seconds(nil, nowMilliseconds: now))
    }
}
