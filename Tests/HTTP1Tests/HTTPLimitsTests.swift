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
}
