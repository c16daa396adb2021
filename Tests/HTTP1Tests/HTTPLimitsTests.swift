import Foundation
import HTTP1
import TestSupport
import XCTest

final class HTTPLimitsTests: XCTestCase {
    func testSlowHeaderSenderTimesOutWhileOthersAreServed() throws {
        var limits = HTTPLimits()
        limits.headerTimeoutMilliseconds = 600
        let (server, port) = try startEchoServer(limits: limits, loops: 1)
        defer { server.shutdown(grace: 1) }
        // Many slowloris connections on the one loop, each trickling a header line.
        let slow = try (0..<50).map { _ in try RawClient(port: port) }
        for client in slow { client.send("GET / HTTP/1.1\r\nHost: x\r\n") }
        let started = Date()
        let fast = try RawClient(port: port)
        fast.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(fast.readResponses(1).first?.status, 200)
        XCTAssertLessThan(Date().timeIntervalSince(started), 0.5, "a normal client waited behind slow ones")
        for client in slow { client.send("X-Drip: 1\r\n") }
        let answer = slow[0].readAll()
        XCTAssertTrue(answer.hasPrefix("HTTP/1.1 408 "), answer)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.5)
    }

    /// After an answer that closes the connection, bytes the client goes on sending are
    /// dropped, not buffered (nothing framed them, so no limit applied), and no 408 follows
    /// the last answer while a slow reader takes it.
    func testNothingIsReadOrAnsweredAfterTheClosingAnswer() throws {
        var limits = HTTPLimits()
        limits.headerTimeoutMilliseconds = 300
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 8 << 20)
        let (server, port) = try startServer(limits: limits, loops: 1) { _, responder in
            responder.respond(HTTPResponse(.ok, headers: [("Content-Type", "text/plain")], body: big))
        }
        defer { server.shutdown(grace: 0) }
        let client = try RawClient(port: port, timeoutSeconds: 5)
        client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HT")
        usleep(1_000_000)  // past the header timeout, the 8 MiB answer still unread
        let text = client.readAll()
        XCTAssertEqual(text.components(separatedBy: "HTTP/1.1 ").count - 1, 1, "answers after the closing one: \(text.suffix(200))")
        let headEnd = text.utf8.firstRange(of: Array("\r\n\r\n".utf8)).map { text.utf8.distance(from: text.utf8.startIndex, to: $0.upperBound) } ?? 0
        XCTAssertEqual(text.utf8.count - headEnd, big.count, "\(text.prefix(300))")
    }

    /// Empty lines dripped one at a time are no request and no idleness: each reset the idle
    /// timer, so a CRLF a minute held a connection for days. They get the head's time.
    func testEmptyLinesDrippedInAreClosedAtTheHeaderTimeout() throws {
        var limits = HTTPLimits()
        limits.headerTimeoutMilliseconds = 300
        limits.idleTimeoutMilliseconds = 600
        let (server, port) = try startEchoServer(limits: limits, loops: 1)
        defer { server.shutdown(grace: 0) }
        let client = try RawClient(port: port, timeoutSeconds: 1)
        let started = Date()
        var closedAfter: TimeInterval?
        while Date().timeIntervalSince(started) < 3 {
            client.send("\r\n")
            usleep(200_000)
            var peek = [UInt8](repeating: 0, count: 16)
            let n = recv(client.fd, &peek, peek.count, Int32(MSG_DONTWAIT))
            if n == 0 || (n < 0 && errno == ECONNRESET) { closedAfter = Date().timeIntervalSince(started); break }
        }
        let after = try XCTUnwrap(closedAfter, "still open after 3 s of dripped empty lines")
        XCTAssertLessThan(after, 1.5)
    }

    func testIdleKeepAliveConnectionIsClosed() throws {
        var limits = HTTPLimits()
        limits.idleTimeoutMilliseconds = 300
        let (server, port) = try startEchoServer(limits: limits, loops: 1)
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(client.readResponses(1).first?.status, 200)
        let started = Date()
        XCTAssertTrue(client.isClosedByPeer())
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 0.2)
    }

    func testConnectionsPastTheLimitAreRefusedWith503() throws {
        var limits = HTTPLimits()
        limits.maxConnections = 2
        let (server, port) = try startEchoServer(limits: limits, loops: 1)
        defer { server.shutdown(grace: 1) }
        let a = try RawClient(port: port), b = try RawClient(port: port)
        a.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        b.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertEqual(a.readResponses(1).first?.status, 200)
        XCTAssertEqual(b.readResponses(1).first?.status, 200)
        let c = try RawClient(port: port)
        XCTAssertTrue(c.readAll().hasPrefix("HTTP/1.1 503 "))
        XCTAssertEqual(server.counters.snapshot().refusedConnections, 1)
    }

    func testShutdownFinishesInFlightRequests() throws {
        let (server, port) = try startEchoServer(loops: 1)
        let client = try RawClient(port: port)
        client.send("GET /late HTTP/1.1\r\nHost: x\r\nx-delay-ms: 300\r\n\r\n")
        Thread.sleep(forTimeInterval: 0.05)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread { server.shutdown(grace: 5); done.signal() }
        let responses = client.readResponses(1)
        XCTAssertEqual(responses.first?.status, 200)
        XCTAssertEqual(responses.first?.headers["connection"], "close")
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success)
        XCTAssertThrowsError(try RawClient(port: port), "still accepting after shutdown")
    }

    /// Answers every request at once with a 4 KiB body (or `bodyBytes`), so a client's unread answers pile up fast.
    private func startBulkyServer(limits: HTTPLimits, bodyBytes: Int = 4096) throws -> (HTTPServer, UInt16) {
        let body = String(repeating: "x", count: bodyBytes)
        return try startServer(limits: limits, loops: 1) { _, responder in responder.respond(.text(.ok, body)) }
    }

    /// `count` pipelined GETs; with `closing`, the last asks the server to close after it.
    private static func pipelined(_ count: Int, closing: Bool) -> String {
        String(repeating: "GET /bulk HTTP/1.1\r\nHost: x\r\n\r\n", count: count - 1)
            + (closing ? "GET /bulk HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" : "GET /bulk HTTP/1.1\r\nHost: x\r\n\r\n")
    }

    /// Sends on another thread: the server stops reading, so the send may block until it does.
    private static func sendInBackground(_ text: String, on fd: Int32, then done: @escaping @Sendable () -> Void) {
        let bytes = Array(text.utf8)
        Thread.detachNewThread {
            var sent = 0
            while sent < bytes.count {
                let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { break }
                sent += n
            }
            done()
        }
    }

    /// Waits until the server's request count stops moving, and returns it.
    private func settledRequestCount(_ server: HTTPServer) -> Int {
        var last = -1
        for _ in 0..<50 {
            let now = server.counters.snapshot().requests
            if now == last { return now }
            last = now
            Thread.sleep(forTimeInterval: 0.2)
        }
        return last
    }

    func testClientThatNeverReadsCannotMakeTheServerBufferWithoutLimit() throws {
        let (server, port) = try startBulkyServer(limits: HTTPLimits())
        defer { server.shutdown(grace: 1) }
        let count = 20_000
        let client = try RawClient(port: port, timeoutSeconds: 10)
        let sender = DispatchSemaphore(value: 0)
        Self.sendInBackground(Self.pipelined(count, closing: true), on: client.fd) { sender.signal() }
        // Unbounded, the server would answer all 20,000 (80 MB held for this one client). Bounded,
        // it stops once the socket buffers and its own 256 KiB of unsent answers are full.
        let started = settledRequestCount(server)
        XCTAssertGreaterThan(started, 0)
        XCTAssertLessThan(started, count / 4, "the server kept answering a client that reads nothing")
        // Once the client reads, the rest are served, all of them, in full.
        let raw = client.readAll()
        XCTAssertEqual(sender.wait(timeout: .now() + 10), .success)
        let one = try XCTUnwrap(ParsedResponse.parse(Array(raw.utf8)))
        XCTAssertEqual(one.0.status, 200)
        // The last answer alone also says "Connection: close".
        XCTAssertEqual(raw.utf8.count, count * one.1 + "Connection: close\r\n".utf8.count, "every answer arrives once the client reads")
        XCTAssertEqual(server.counters.snapshot().requests, count)
    }

    /// A client that sends its requests, half-closes and only then reads still gets every
    /// answer, also those held back while its unread answers were over the bound.
    func testHalfClosedClientGetsEveryAnswerHeldBackByTheBound() throws {
        let (server, port) = try startBulkyServer(limits: HTTPLimits(), bodyBytes: 64 * 1024)
        defer { server.shutdown(grace: 1) }
        // Exactly 64 KiB of requests (1,024 of 64 bytes), the size of the loop's read buffer, then
        // the FIN: one pass reads them all and then the end of the stream, as a fast client's
        // half-close arrives. Their answers (64 MB) are far over the bound.
        let head = "GET /bulk HTTP/1.1\r\nHost: x\r\nX-Pad: \r\n\r\n"
        let request = head.replacingOccurrences(of: "X-Pad: ", with: "X-Pad: " + String(repeating: "p", count: 64 - head.utf8.count))
        XCTAssertEqual(request.utf8.count, 64)
        let count = 1_024
        let client = try RawClient(port: port, timeoutSeconds: 10)
        client.send(String(repeating: request, count: count))
        Glibc.shutdown(client.fd, Int32(SHUT_WR))
        XCTAssertLessThan(settledRequestCount(server), count, "nothing was held back: the test does not reach the bound")
        let raw = client.readAll()
        let one = try XCTUnwrap(ParsedResponse.parse(Array(raw.utf8)))
        XCTAssertEqual(raw.utf8.count, count * one.1, "answers held back by the bound were dropped at the half-close")
    }

    func testClientThatStopsReadingIsClosedAfterTheIdleTimeout() throws {
        var limits = HTTPLimits()
        limits.idleTimeoutMilliseconds = 400
        let (server, port) = try startBulkyServer(limits: limits)
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        Self.sendInBackground(Self.pipelined(20_000, closing: false), on: client.fd) {}
        // Sending kept the connection busy, but the answers stopped moving: after the idle
        // timeout the server gives up on it rather than holding its buffers forever. It is
        // checked before the client reads anything: once drained, any connection goes idle.
        let deadline = Date().addingTimeInterval(3)
        while server.counters.snapshot().openConnections > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertEqual(server.counters.snapshot().openConnections, 0, "a client that stopped reading was kept open")
        XCTAssertTrue(client.isClosedByPeer())
    }
}
