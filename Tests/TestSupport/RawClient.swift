import Foundation
import Glibc

/// A blocking TCP client that sends exact bytes: the tests need to send malformed requests
/// that no HTTP client library would produce.
public final class RawClient {
    public let fd: Int32

    public init(port: UInt16, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = port.bigEndian
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    public func send(_ text: String) { send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Reads until the peer closes or the timeout passes.
    public func readAll() -> String {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads exactly `count` complete responses (Content-Length framed), returning them.
    public func readResponses(_ count: Int) -> [ParsedResponse] {
        var data: [UInt8] = []
        var responses: [ParsedResponse] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while responses.count < count {
            if let (response, used) = ParsedResponse.parse(data) {
                responses.append(response)
                data.removeFirst(used)
                continue
            }
            let n = recv(fd, &buf, buf.count, 0)
            if n <= 0 { break }
            data += buf[0..<n]
        }
        return responses
    }

    /// Sends one request and reads its answer; nil if the connection failed first.
    public func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) -> ParsedResponse? {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        send(Array((head + "\r\n").utf8) + body)
        return readResponses(1).first
    }

    /// True if the server closed the connection (EOF) within the timeout.
    public func isClosedByPeer() -> Bool {
        var buf = [UInt8](repeating: 0, count: 1024)
        while true {
            let n = recv(fd, &buf, buf.count, 0)
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }
}

public struct ParsedResponse: Sendable {
    public let status: Int
    public let headers: [String: String]
    public let body: String

    public static func parse(_ data: [UInt8]) -> (ParsedResponse, Int)? {
        guard let end = data.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if status == 100 { return (ParsedResponse(status: 100, headers: headers, body: ""), end.upperBound) }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard data.count >= end.upperBound + length else { return nil }
        let body = String(decoding: data[end.upperBound..<end.upperBound + length], as: UTF8.self)
        return (ParsedResponse(status: status, headers: headers, body: body), end.upperBound + length)
    }
}
