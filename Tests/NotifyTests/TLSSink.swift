import COpenSSL
import Foundation
import Glibc

/// A loopback `https://` subscriber on OpenSSL: one request per connection, answered as the
/// test says and closed. Its certificates are made for each test by the `openssl` tool: a
/// test authority, and a server certificate from it for `localhost` and 127.0.0.1 (or, with
/// `names`, for other names only).
final class TLSSink: @unchecked Sendable {
    let port: UInt16
    let folder: URL
    /// The test authority's certificate, for a subscriber's `ca_file`.
    var caFile: String { folder.appendingPathComponent("ca.pem").path }
    private let listener: Int32
    private let context: OpaquePointer
    private let lock = NSLock()
    private var received: [String] = []
    private let answer: String
    private let keepAlive: Bool
    private let closeNotify: Bool
    private var connections = 0

    /// What each request got, as the text of its head and body.
    var requests: [String] { lock.lock(); defer { lock.unlock() }; return received }
    var acceptedConnections: Int { lock.lock(); defer { lock.unlock() }; return connections }

    /// `keepAlive`: serve further requests on a connection (else answer one and close);
    /// `closeNotify: false`: close the TCP connection without TLS's close_notify.
    init(names: String = "DNS:localhost,IP:127.0.0.1", answer: String = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
         keepAlive: Bool = false, closeNotify: Bool = true) throws {
        self.answer = answer
        self.keepAlive = keepAlive
        self.closeNotify = closeNotify
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=gatehouse test CA"], in: folder)
        try Self.openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=gatehouse test server"], in: folder)
        try "subjectAltName=\(names)\n".write(to: folder.appendingPathComponent("san.cnf"), atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                          "-out", "server.pem", "-days", "2", "-extfile", "san.cnf"], in: folder)
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw TLSSinkError("SSL_CTX_new") }
        self.context = context
        guard SSL_CTX_use_certificate_chain_file(context, folder.appendingPathComponent("server.pem").path) == 1,
              SSL_CTX_use_PrivateKey_file(context, folder.appendingPathComponent("server.key").path, SSL_FILETYPE_PEM) == 1
        else { throw TLSSinkError("loading the server certificate") }

        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else { throw TLSSinkError("binding a loopback port") }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        try? FileManager.default.removeItem(at: folder)
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            guard fd >= 0 else { return }
            Thread { [self] in serve(fd) }.start()
        }
    }

    /// One TLS connection: the handshake, then requests (head and Content-Length body), each
    /// answered; one only unless `keepAlive`.
    private func serve(_ fd: Int32) {
        defer { close(fd) }
        lock.lock()
        connections += 1
        lock.unlock()
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let ssl = SSL_new(context) else { return }
        defer { SSL_free(ssl) }
        SSL_set_fd(ssl, fd)
        guard SSL_accept(ssl) == 1 else { return }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        repeat {
            while true {
                if let end = Self.headEnd(bytes) {
                    let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
                    let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if bytes.count >= end + 4 + length {
                        lock.lock()
                        received.append(String(decoding: bytes[..<(end + 4 + length)], as: UTF8.self))
                        lock.unlock()
                        bytes.removeFirst(end + 4 + length)
                        break
                    }
                }
                let n = SSL_read(ssl, &buffer, Int32(buffer.count))
                guard n > 0 else { return }
                bytes += buffer[0..<Int(n)]
            }
            let reply = Array(answer.utf8)
            _ = reply.withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
        } while keepAlive
        if closeNotify { SSL_shutdown(ssl) }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    private static func openssl(_ arguments: [String], in folder: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TLSSinkError("openssl \(arguments.first ?? "") exited \(process.terminationStatus)") }
    }
}

struct TLSSinkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
