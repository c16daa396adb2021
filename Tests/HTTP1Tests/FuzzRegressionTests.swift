import Foundation
import HTTP1
import TestSupport
import XCTest

/// Inputs the fuzz target `fuzz/http-request` found (or its invariants caught), replayed
/// through the decoder's and the server's normal API.
final class FuzzRegressionTests: XCTestCase {
    private let chunkedHead = "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"

    /// Feeds `bytes` in reads of `step` bytes, draining `next()` after each; returns the
    /// requests framed and the error that stopped decoding, if any.
    private func decode(_ bytes: [UInt8], limits: HTTPLimits = HTTPLimits(), step: Int) -> (requests: [HTTPRequest], error: HTTPFramingError?, decoder: HTTPRequestDecoder) {
        var decoder = HTTPRequestDecoder(limits: limits)
        var requests: [HTTPRequest] = []
        var position = 0
        while position < bytes.count {
            let end = min(bytes.count, position + step)
            decoder.append(Array(bytes[position..<end]))
            position = end
            drain: while true {
                do {
                    switch try decoder.next() {
                    case .needMore: break drain
                    case .continueExpected: continue
                    case .request(let request): requests.append(request)
                    }
                } catch {
                    return (requests, error, decoder)
                }
            }
        }
        return (requests, nil, decoder)
    }

    /// Lines that arrive a byte at a time (chunk sizes, a long trailer) are scanned from where
    /// the last read stopped, and still frame exactly as when they arrive whole.
    func testLinesArrivingAByteAtATimeFrameAsWhole() {
        let trailer = "X-Long: " + String(repeating: "t", count: 8000)
        let bytes = Array((chunkedHead + "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\n\(trailer)\r\n\r\n").utf8)
        let whole = decode(bytes, step: bytes.count)
        let trickled = decode(bytes, step: 1)
        XCTAssertNil(whole.error)
        XCTAssertNil(trickled.error)
        XCTAssertEqual(whole.requests.map(\.body), [Array("helloabc".utf8)])
        XCTAssertEqual(trickled.requests.map(\.body), whole.requests.map(\.body))
    }

    /// A connection that carried a large body gives back the storage once the request is
    /// framed: kept, every such keep-alive connection held about twice the body for as long
    /// as it stayed open (a byte a minute keeps one open).
    func testTheStorageOfALargeBodyIsNotKeptAfterTheRequest() {
        let body = String(repeating: "b", count: 1 << 20)
        let request = Array("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)".utf8)
        let (requests, error, decoder) = decode(request, step: 64 * 1024)
        XCTAssertNil(error)
        XCTAssertEqual(requests.count, 1)
        var after = decoder
        after.append(Array("\r\n".utf8))
        _ = try? after.next()
        XCTAssertLessThanOrEqual(after.storageBytes, 64 * 1024, "the decoder kept \(after.storageBytes) bytes")
    }

    /// Minimised fuzz input (after its two control bytes): a trailer line that was the last
    /// thing buffered. The decoder consumed the line, which emptied its buffer, and only then
    /// parsed it: an index out of range that took the whole server down.
    func testTrailerLineEndingTheBufferIsParsedBeforeItIsConsumed() {
        let minimised = Array("T / HTTP/1.1\r\nHost:\r\nTransfer-Encoding:chunked\r\n\r\n0\r\n:\r\n".utf8)
        let result = decode(minimised, step: minimised.count)
        XCTAssertEqual(result.error?.status.code, 400, "a trailer with no name is refused")
        XCTAssertTrue(result.requests.isEmpty)
    }

    func testValidTrailerArrivingByItselfIsFramed() {
        let bytes = Array((chunkedHead + "5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n").utf8)
        for step in [1, 2, 3, 7, bytes.count] {
            let result = decode(bytes, step: step)
            XCTAssertNil(result.error, "read size \(step)")
            XCTAssertEqual(result.requests.count, 1, "read size \(step)")
            XCTAssertEqual(result.requests.first.map { String(decoding: $0.body, as: UTF8.self) }, "hello")
        }
    }

    func testServerSurvivesATrailerSentInItsOwnPacket() throws {
        let (server, port) = try startEchoServer(loops: 1)
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send(chunkedHead + "5\r\nhello\r\n0\r\nX-Trailer: t\r\n")
        Thread.sleep(forTimeInterval: 0.1)
        client.send("\r\n")
        let response = client.readResponses(1).first
        XCTAssertEqual(response?.status, 200)
        // The server is still up for another connection.
        XCTAssertEqual(try RawClient(port: port).request("GET", "/after").map(\.status), 200)
    }

    /// Caught by the target's bound on what a waiting decoder may hold: a chunk-size line
    /// (or a trailer line) that never ends was waited for forever, buffering every byte.
    func testEndlessChunkSizeLineIsRefused() {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 1
        limits.maxHeaderBytes = 128
        let bytes = Array((chunkedHead + "1;" + String(repeating: "a", count: 4000)).utf8)
        for step in [1, 100, bytes.count] {
            let result = decode(bytes, limits: limits, step: step)
            XCTAssertEqual(result.error?.status.code, 400, "read size \(step)")
        }
        // Refused as soon as the line passes 1 KiB, not when the client stops sending.
        let trickled = decode(bytes, limits: limits, step: 100)
        XCTAssertLessThanOrEqual(trickled.decoder.bufferedCount, 1024 + 2 + 100)
    }

    func testEndlessTrailerLineIsRefused() {
        var limits = HTTPLimits()
        limits.maxHeaderBytes = 1024
        let bytes = Array((chunkedHead + "0\r\nX-Long: " + String(repeating: "a", count: 4000)).utf8)
        let result = decode(bytes, limits: limits, step: 64)
        XCTAssertEqual(result.error?.status.code, 431)
    }

    func testChunkSizeLineAtTheLimitIsStillAccepted() {
        // 1024 bytes of size and extension is the most the decoder reads; it is not refused.
        let line = "5;" + String(repeating: "e", count: 1022)
        let bytes = Array((chunkedHead + line + "\r\nhello\r\n0\r\n\r\n").utf8)
        let result = decode(bytes, step: 10)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.requests.count, 1)
    }
}
