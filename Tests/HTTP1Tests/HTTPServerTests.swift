import Foundation
import Glibc
import HTTP1
import Sockets
import TestSupport
import XCTest

final class HTTPServerTests: XCTestCase {
    /// The loops' listeners set SO_REUSEPORT, which on its own lets a second server (another
    /// gateway, with another log) bind the same port and take half its connections. A fixed
    /// port something listens on is refused instead; until then the first serves alone.
    func testASecondServerOnATakenPortIsRefused() throws {
        let (first, port) = try startEchoServer()
        defer { first.shutdown(grace: 0) }
        let second = HTTPServer(configuration: HTTPServer.Configuration(address: try SocketAddress(parsing: "127.0.0.1:\(port)"), loops: 2),
                                handler: { _, responder in responder.respond(.text(.ok, "second")) })
        XCTAssertThrowsError(try second.start()) { error in
            XCTAssertTrue("\(error)".contains("bind"), "\(error)")
        }
        for _ in 0..<20 {
            let client = try RawClient(port: port)
            XCTAssertEqual(client.request("GET", "/x")?.body.hasPrefix("GET /x"), true, "a connection reached the second server")
        }
    }

    func testKeepAliveServesSeveralRequestsOnOneConnection() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        client.send("GET /b?x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
        let responses = client.readResponses(2)
        XCTAssertEqual(responses.map(\.status), [200, 200])
        XCTAssertEqual(responses.first?.body, "POST /a 5 hello\n")
        XCTAssertEqual(responses.last?.body, "GET /b?x=1 0 \n")
        XCTAssertNil(responses.first?.headers["connection"])
    }

    func testPipelinedAnswersKeepRequestOrderEvenWhenTheFirstIsSlow() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\nx-delay-ms: 150\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let responses = client.readResponses(3)
        XCTAssertEqual(responses.map { $0.body.split(separator: " ")[1] }, ["/slow", "/fast", "/last"])
        XCTAssertEqual(responses.last?.headers["connection"], "close")
        XCTAssertTrue(client.isClosedByPeer())
    }

    /// A client may send its pipelined requests and half-close at once: each is answered,
    /// also those behind an answer that comes back late, before the server closes.
    func testHalfClosedPipelineIsAnsweredInFull() throws {
        let (server, port) = try startEchoServer(loops: 1)
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("GET /slow HTTP/1.1\r\nHost: x\r\nx-delay-ms: 150\r\n\r\nGET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
        Glibc.shutdown(client.fd, Int32(SHUT_WR))
        let raw = client.readAll()
        XCTAssertTrue(raw.contains("GET /slow 0"), raw)
        XCTAssertTrue(raw.contains("GET /fast 0"), "the request behind the late answer was dropped: \(raw)")
    }

    func testChunkedBodyIsDecoded() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n")
        let responses = client.readResponses(1)
        XCTAssertEqual(responses.first?.body, "POST /c 11 hello world\n")
    }

    func testChunkedBodyArrivingByteByByte() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        for byte in Array("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".utf8) {
            client.send([byte])
        }
        XCTAssertEqual(client.readResponses(1).first?.body, "POST /c 3 abc\n")
    }

    func testExpectContinueGetsAnInterimAnswerBeforeTheBody() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = client.readResponses(1)
        XCTAssertEqual(interim.first?.status, 100)
        client.send("data")
        XCTAssertEqual(client.readResponses(1).first?.body, "POST /e 4 data\n")
    }

    /// An HTTP/1.0 client's Expect is ignored (RFC 9110 §10.1.1): no interim 100, the final
    /// answer once the body is there.
    func testExpectContinueFromHTTP10GetsNoInterimAnswer() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("POST /e HTTP/1.0\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        usleep(200_000)
        client.send("data")
        let answer = client.readResponses(1).first
        XCTAssertEqual(answer?.status, 200, "an interim 100 came first")
        XCTAssertEqual(answer?.body, "POST /e 4 data\n")
    }

    func testExpectContinueWithTooLargeBodyIsRefusedBeforeUpload() throws {
        var limits = HTTPLimits()
        limits.maxBodyBytes = 10
        let (server, port) = try startEchoServer(limits: limits)
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n")
        XCTAssertEqual(client.readResponses(1).first?.status, 413)
    }

    func testHTTP10ClosesUnlessKeepAliveAsked() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("GET /old HTTP/1.0\r\n\r\n")
        let responses = client.readResponses(1)
        XCTAssertEqual(responses.first?.status, 200)
        XCTAssertEqual(responses.first?.headers["connection"], "close")
        XCTAssertTrue(client.isClosedByPeer())
    }

    /// An HTTP/1.0 client that asked for keep-alive is told it got it: without the header a
    /// 1.0 client closes the connection itself.
    func testHTTP10KeepAliveIsAnnounced() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(client.readResponses(1).first?.headers["connection"], "keep-alive")
        client.send("GET /again HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        XCTAssertEqual(client.readResponses(1).first?.status, 200, "the connection stayed open")
    }

    func testHeadAnswerHasLengthButNoBody() throws {
        let (server, port) = try startEchoServer()
        defer { server.shutdown(grace: 1) }
        let client = try RawClient(port: port)
        client.send("HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let raw = client.readAll()
        XCTAssertTrue(raw.hasPrefix("HTTP/1.1 200 OK\r\n"), raw)
        XCTAssertTrue(raw.contains("Content-Length: 11\r\n"), raw)
        XCTAssertTrue(raw.hasSuffix("\r\n\r\n"), raw)
    }

    /// `top -H`, `perf` and `/proc` tell the loops apart by these names.
    func testEachEventLoopThreadCarriesItsName() throws {
        let (server, _) = try startEchoServer(loops: 2)
        defer { server.shutdown(grace: 1) }
        let deadline = Date().addingTimeInterval(5)
        var names: Set<String> = []
        while Date() < deadline && !names.isSuperset(of: ["http-loop-0", "http-loop-1"]) {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
            names = Set(tasks.compactMap { try? String(contentsOfFile: "/proc/self/task/\($0)/comm", encoding: .utf8) }
                .map { $0.trimmingCharacters(in: .newlines) })
            usleep(10_000)
        }
        XCTAssertTrue(names.isSuperset(of: ["http-loop-0", "http-loop-1"]), "thread names: \(names.sorted())")
    }
}
