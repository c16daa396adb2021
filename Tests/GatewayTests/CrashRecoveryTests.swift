import EventLog
import Foundation
import Synchronization
import Gateway
import TestSupport
import XCTest

/// The real binary, a real SIGKILL: every delivery the gateway acknowledged before it died
/// must be in the log exactly once after a restart, and must be recognised as a duplicate.
final class CrashRecoveryTests: XCTestCase {
    func testSIGKILLUnderLoadLosesNoAcknowledgedEvent() throws {
        try killUnderLoad(arguments: [])
    }

    /// 16 KiB segments roll every few dozen events, so kills land while segments are being
    /// prepared, adopted and sealed, and while appends go into prepared zeros.
    func testSIGKILLWhileSegmentsRollIntoPreparedFilesLosesNothing() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("gh-crash-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: config) }
        try #"{"log": {"segment_bytes": 16384}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let data = try killUnderLoad(arguments: ["--config", config])
        let report = LogVerifier.verify(directory: data + "/log")
        XCTAssertTrue(report.isClean, report.summary)
        XCTAssertGreaterThan(report.segments, 10, "segments rolled while the kills landed")
    }

    /// Three rounds of load, each ended by SIGKILL; returns the data folder (removed at teardown).
    @discardableResult
    private func killUnderLoad(arguments: [String]) throws -> String {
        let harness = try GatewayHarness()
        addTeardownBlock { harness.remove() }
        let binary = try GatehouseBinary.locate()
        var acknowledged = Set<String>()

        for round in 0..<3 {
            let port = try GatehouseBinary.freePort()
            let process = try GatehouseBinary.serve(binary, harness: harness, port: port, arguments: arguments)
            try GatehouseBinary.waitUntilReady(port: port)
            let acks = LockedList<String>()
            let stop = LockedFlag()
            let workers = DispatchGroup()
            for worker in 0..<8 {
                DispatchQueue.global().async(group: workers) {
                    guard let client = try? RawClient(port: port, timeoutSeconds: 2) else { return }
                    var i = 0
                    while !stop.isSet {
                        let id = "r\(round)-w\(worker)-\(i)"
                        i += 1
                        let body = GatewayHarness.event(email: "\(id)@example.com")
                        guard let r = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: id, body: body), body: body) else { return }
                        if r.status == 200 { acks.append(id) } else { return }
                    }
                }
            }
            // Let load build, then kill without warning while requests are in flight.
            let deadline = Date().addingTimeInterval(5)
            while acks.items.count < 300 && Date() < deadline { usleep(10_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            stop.set()
            workers.wait()
            XCTAssertGreaterThan(acks.items.count, 0, "round \(round): nothing was acknowledged")
            acknowledged.formUnion(acks.items)
        }

        // Restart once more: every acknowledged id must now be a known duplicate.
        let port = try GatehouseBinary.freePort()
        let process = try GatehouseBinary.serve(binary, harness: harness, port: port, arguments: arguments)
        try GatehouseBinary.waitUntilReady(port: port)
        let client = try RawClient(port: port)
        for id in acknowledged.shuffled().prefix(50) {
            let body = GatewayHarness.event(email: "\(id)@example.com")
            let r = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: id, body: body), body: body)
            XCTAssertEqual(r?.status, 200)
            XCTAssertTrue(r?.body.contains("duplicate") ?? false, "\(id) was acknowledged but forgotten")
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "SIGTERM should drain and exit 0")

        var counts: [String: Int] = [:]
        let log = try FileLog.open(directory: harness.data + "/log")
        try log.read(from: 0) { record in
            if case .received(let e) = try LogEvent.decode(record.payload) { counts[e.eventID, default: 0] += 1 }
            return true
        }
        log.close()
        let missing = acknowledged.filter { counts[$0] == nil }
        XCTAssertEqual(missing.count, 0, "acknowledged but not in the log: \(missing.prefix(5))")
        XCTAssertEqual(counts.values.filter { $0 > 1 }.count, 0, "an event was logged twice")
        return harness.data
    }
}

/// Finding, starting and probing the built `gatehouse` executable.
enum GatehouseBinary {
    static func locate() throws -> URL {
        // The test bundle sits beside the package's executables in the build folder.
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gatehouse"),
            Bundle.main.bundleURL.appendingPathComponent("gatehouse"),
        ]
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw HarnessError("gatehouse binary not found beside the tests (\(candidates.map(\.path)))")
        }
        return found
    }

    static func serve(_ binary: URL, harness: GatewayHarness, port: UInt16, arguments: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data", harness.data, "--routes", harness.routes] + arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in harness.environment { env[k] = v }
        process.environment = env
        process.standardError = FileHandle.nullDevice
        // Off the list as soon as it exits, so the exit-time kill never reaches a reused pid.
        process.terminationHandler = { Reaper.release($0.processIdentifier) }
        try process.run()
        Reaper.adopt(process.processIdentifier)
        return process
    }

    /// Servers a test started and may not have stopped (a `try` that threw before its kill):
    /// killed when the test process exits, so none outlives `swift test`.
    enum Reaper {
        private static let launched = Mutex<[pid_t]>([])
        private static let registered: Bool = {
            atexit {
                for pid in Reaper.launched.withLock({ $0 }) { kill(pid, SIGKILL) }
            }
            return true
        }()

        static func adopt(_ pid: pid_t) {
            _ = registered
            launched.withLock { $0.append(pid) }
        }

        static func release(_ pid: pid_t) {
            launched.withLock { $0.removeAll { $0 == pid } }
        }
    }

    static func waitUntilReady(port: UInt16, timeout: TimeInterval = 20) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let client = try? RawClient(port: port, timeoutSeconds: 1), client.request("GET", "/readyz")?.status == 200 { return }
            usleep(50_000)
        }
        throw HarnessError("gatehouse did not become ready on port \(port)")
    }

    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return UInt16(bigEndian: addr.sin_port)
    }
}

final class LockedFlag: @unchecked Sendable {
    private var value = false
    private let lock = NSLock()
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
