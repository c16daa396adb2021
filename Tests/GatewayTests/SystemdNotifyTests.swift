import Foundation
import TestSupport
import XCTest

/// `Type=notify` without systemd: the test plays systemd's part, binding the datagram socket
/// that `$NOTIFY_SOCKET` names, and runs the real `gatehouse serve` binary against it.
final class SystemdNotifyTests: XCTestCase {
    func testReadyAfterListeningAndStoppingOnSIGTERMOverPathSocket() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let socketPath = harness.root.appendingPathComponent("notify.sock").path
        let listener = try NotifyListener(address: socketPath)
        try assertReadyAndStopping(harness: harness, listener: listener, notifySocket: socketPath)
    }

    func testAbstractNotifySocket() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let name = "@gatehouse-test-\(UUID().uuidString.prefix(12))"
        let listener = try NotifyListener(address: name)
        try assertReadyAndStopping(harness: harness, listener: listener, notifySocket: name)
    }

    /// A socket that is not there must cost nothing: the gateway serves and stops as usual.
    func testMissingNotifySocketDoesNotStopTheGateway() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let port = try GatehouseBinary.freePort()
        let missing = harness.root.appendingPathComponent("no-such-dir/notify.sock").path
        let (process, stderr) = try launch(harness: harness, port: port, notifySocket: missing)
        try GatehouseBinary.waitUntilReady(port: port)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit)
        XCTAssertEqual(process.terminationStatus, 0, "exit status with an unreachable NOTIFY_SOCKET; stderr:\n\(Self.tail(stderr))")
        XCTAssertTrue(Self.tail(stderr).contains("systemd notification not sent"), "the failed send should be logged as a warning")
    }

    /// A stop stuck waiting (here on a request whose headers never finish, under a long grace)
    /// is ended by a second signal at once: acknowledged webhooks are already durable. The
    /// first signal alone keeps waiting, as a clean stop should.
    func testASecondSignalEndsAStuckStopAtOnce() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let port = try GatehouseBinary.freePort()
        let config = harness.root.appendingPathComponent("slow-stop.json").path
        try #"{"shutdown_grace_seconds": 60, "header_timeout_ms": 60000}"#.write(toFile: config, atomically: false, encoding: .utf8)
        let process = try GatehouseBinary.serve(try GatehouseBinary.locate(), harness: harness, port: port, arguments: ["--config", config])
        try GatehouseBinary.waitUntilReady(port: port)
        let client = try RawClient(port: port)
        client.send("POST /webhooks/yunojuno HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n")  // never finished
        usleep(200_000)
        kill(process.processIdentifier, SIGTERM)
        usleep(1_500_000)
        XCTAssertTrue(process.isRunning, "the clean stop should wait for the open request")
        let second = Date()
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        XCTAssertFalse(process.isRunning, "a second signal did not end the stop")
        XCTAssertLessThan(Date().timeIntervalSince(second), 3)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1)
    }

    // MARK: - Helpers

    private func assertReadyAndStopping(harness: GatewayHarness, listener: NotifyListener, notifySocket: String,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let port = try GatehouseBinary.freePort()
        let (process, stderr) = try launch(harness: harness, port: port, notifySocket: notifySocket)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

        let beforeReady = listener.receive(until: "READY=1", timeout: 30)
        guard let ready = beforeReady.last, ready.contains("READY=1") else {
            return XCTFail("no READY=1 within 30 s (got \(beforeReady)); stderr:\n\(Self.tail(stderr))", file: file, line: line)
        }
        // READY=1 promises a bound, serving port: the very first request must be answered.
        let client = try RawClient(port: port, timeoutSeconds: 2)
        XCTAssertEqual(client.request("GET", "/readyz")?.status, 200, "port not answering when READY=1 arrived", file: file, line: line)
        XCTAssertTrue(ready.split(separator: "\n").contains("STATUS=listening on 127.0.0.1:\(port)"),
                      "READY datagram should carry the listening address: \(ready)", file: file, line: line)
        XCTAssertFalse(beforeReady.contains { $0.contains("STOPPING=1") }, file: file, line: line)

        kill(process.processIdentifier, SIGTERM)
        let afterTerm = listener.receive(until: "STOPPING=1", timeout: 15)
        XCTAssertTrue(afterTerm.last?.contains("STOPPING=1") ?? false,
                      "no STOPPING=1 after SIGTERM (got \(afterTerm)); stderr:\n\(Self.tail(stderr))", file: file, line: line)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, file: file, line: line)
        XCTAssertEqual(process.terminationStatus, 0, "SIGTERM should drain and exit 0; stderr:\n\(Self.tail(stderr))", file: file, line: line)
    }

    /// Starts `gatehouse serve` on the harness folders with NOTIFY_SOCKET set (always set here,
    /// so a NOTIFY_SOCKET of the test runner's own environment never leaks into the child).
    private func launch(harness: GatewayHarness, port: UInt16, notifySocket: String) throws -> (Process, URL) {
        let stderr = harness.root.appendingPathComponent("serve-\(port).stderr")
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        let process = Process()
        process.executableURL = try GatehouseBinary.locate()
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data", harness.data, "--routes", harness.routes]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in harness.environment { env[k] = v }
        env["NOTIFY_SOCKET"] = notifySocket
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
        return (process, stderr)
    }

    private static func tail(_ file: URL) -> String {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}

/// A unix datagram socket standing in for systemd's notification socket: a file path, or an
/// abstract name written `@name`.
final class NotifyListener {
    private let fd: Int32
    private let path: String?

    init(address: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket failed: errno \(errno)") }
        var bytes = Array(address.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        path = abstract ? nil : address
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else { throw HarnessError("socket address too long: \(address)") }
        withUnsafeMutableBytes(of: &addr.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + (abstract ? 0 : 1)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw HarnessError("bind \(address) failed: errno \(code)")
        }
    }

    deinit {
        close(fd)
        if let path { unlink(path) }
    }

    /// Every datagram received until one contains `needle` (it is the last element) or the
    /// timeout passes.
    func receive(until needle: String, timeout: TimeInterval) -> [String] {
        var messages: [String] = []
        let deadline = Date().addingTimeInterval(timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let remaining = Int32(max(1, min(1000, deadline.timeIntervalSinceNow * 1000)))
            guard poll(&poller, 1, remaining) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { continue }
            let message = String(decoding: buffer[0..<n], as: UTF8.self)
            messages.append(message)
            if message.contains(needle) { break }
        }
        return messages
    }
}

/// `serve` raises its soft open-file limit to the hard one: containers start it at 1024,
/// and each connection is a descriptor.
final class OpenFileLimitTests: XCTestCase {
    /// The built `serve` under `ulimit <limits>`, ready; stopped at teardown.
    private func serve(ulimit limits: String) throws -> (Process, UInt16) {
        let binary = try GatehouseBinary.locate()
        let harness = try GatewayHarness()
        addTeardownBlock { harness.remove() }
        let port = try GatehouseBinary.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "ulimit \(limits) && exec \"$0\" serve --listen 127.0.0.1:\(port) --data \"$1\" --routes \"$2\"",
                             binary.path, harness.data, harness.routes]
        process.environment = ProcessInfo.processInfo.environment.merging(harness.environment) { $1 }
        process.standardError = FileHandle.nullDevice
        try process.run()
        addTeardownBlock {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try GatehouseBinary.waitUntilReady(port: port)
        return (process, port)
    }

    func testServeRaisesItsSoftOpenFileLimitToTheHardOne() throws {
        let (process, _) = try serve(ulimit: "-Sn 512")
        let limits = try String(contentsOfFile: "/proc/\(process.processIdentifier)/limits", encoding: .utf8)
        let line = try XCTUnwrap(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        XCTAssertEqual(fields[3], fields[4], "soft limit not raised to the hard one: \(line)")
        XCTAssertNotEqual(fields[3], "512")
    }

    /// With too few descriptors for max_connections, the cap is lowered to fit: a connection
    /// past it gets the listener's 503 at once, not an accept that fails while it hangs.
    func testTooFewDescriptorsLowerTheConnectionCap() throws {
        let (_, port) = try serve(ulimit: "-n 400")
        var held: [RawClient] = []
        for _ in 0..<170 { held.append(try RawClient(port: port, timeoutSeconds: 3)) }
        usleep(500_000)  // every connection accepted; which ones went over depends on the loops
        // The cap is 400 - 256 = 144: 26 are over it, each refused (503, then closed).
        let statuses = held.map { $0.request("GET", "/healthz")?.status }
        let served = statuses.filter { $0 == 200 }.count
        XCTAssertLessThanOrEqual(served, 144, "more connections served than the lowered cap")
        XCTAssertGreaterThan(served, 100, "the ones under the cap are served")
        XCTAssertEqual(statuses.count - served, statuses.filter { $0 == 503 || $0 == nil }.count, "\(statuses)")
    }
}
