import EventLog
import Foundation
import Gateway
import Signing
import TestSupport
import XCTest

/// Faults below the gateway, with the real binary: a disk that fills up, and log files that
/// are cut short or damaged while the gateway is stopped.
final class FaultSuiteTests: XCTestCase {
    /// A small tmpfs so the log runs out of space for real (ENOSPC from write).
    func testDiskFullAnswers503LosesNothingAcknowledgedAndRecovers() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let mountPoint = harness.root.appendingPathComponent("small-disk").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        guard run("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", mountPoint]) == 0 else {
            throw XCTSkip("mounting a tmpfs needs root (CI runs as root)")
        }
        defer { _ = run("/bin/umount", ["-l", mountPoint]) }
        let data = mountPoint + "/data"
        let config = harness.root.appendingPathComponent("config.json").path
        try #"{"log": {"segment_bytes": 1048576}, "apis": {"simulate": false}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        // Leave about 1.5 MB free for the log.
        let filler = mountPoint + "/filler"
        XCTAssertTrue(FileManager.default.createFile(atPath: filler, contents: Data(count: 4 * 1024 * 1024)))

        let port = try GatehouseBinary.freePort()
        let process = try launch(harness, port: port, data: data, config: config)
        let client = try RawClient(port: port)
        var acknowledged: [String] = []
        var refused = 0
        var retryAfter: String?
        for i in 0..<2000 where refused < 5 {
            let id = "full_\(i)"
            let body = Array(#"{"event_type":"x","pad":"\#(String(repeating: "p", count: 4000))"}"#.utf8)
            guard let r = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: id, body: body), body: body) else { break }
            if r.status == 200 { acknowledged.append(id) }
            if r.status == 503 { refused += 1; retryAfter = r.headers["retry-after"] }
        }
        XCTAssertGreaterThan(acknowledged.count, 50)
        XCTAssertEqual(refused, 5, "the disk never filled")
        XCTAssertNotNil(retryAfter, "503 without Retry-After")

        // Space returns: the gateway accepts again without a restart.
        try FileManager.default.removeItem(atPath: filler)
        let body = Array(#"{"event_type":"x","after":"space"}"#.utf8)
        let again = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "after_space", body: body), body: body)
        XCTAssertEqual(again?.status, 200)
        acknowledged.append("after_space")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)

        let report = LogVerifier.verify(directory: data + "/log")
        XCTAssertTrue(report.isClean, report.summary)
        let logged = try loggedIDs(data)
        XCTAssertEqual(Set(acknowledged).subtracting(logged), [], "acknowledged but lost")
        XCTAssertEqual(logged.count, Set(logged).count, "an event was written twice")
    }

    func testTornTailIsTruncatedAndSaidSo() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let port = try GatehouseBinary.freePort()
        try acceptFiveThenStop(harness, port: port, prefix: "torn", signal: SIGKILL)
        // A write torn after 7 bytes: the start of a record header past the last record.
        let segment = try lastSegment(harness.data)
        let base = UInt64((segment as NSString).lastPathComponent.dropLast(4))!
        let log = try FileLog.open(directory: harness.data + "/log")
        let end = 24 + Int(log.durableEnd - base)
        log.close()
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: segment))
        try handle.seek(toOffset: UInt64(end))
        handle.write(Data([0x5a, 0x13, 0x77, 0x01, 0x40, 0x02, 0x00]))
        try handle.close()

        let stderr = Pipe()
        let process = try launch(harness, port: port, data: harness.data, config: nil, stderr: stderr)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let output = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(output.lowercased().contains("truncat"), "recovery did not say it truncated: \(output)")
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(try loggedIDs(harness.data).count, 5, "an acknowledged record was lost to the torn write after it")
    }

    func testDamageInTheMiddleRefusesToStartAndNamesTheOffset() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let port = try GatehouseBinary.freePort()
        try acceptFiveThenStop(harness, port: port, prefix: "mid", signal: SIGTERM)
        // Flip a byte inside the first record's payload; later records stay valid.
        let segment = try lastSegment(harness.data)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: segment))
        try handle.seek(toOffset: 24 + 8 + 40)
        let byte = try handle.read(upToCount: 1)![0]
        try handle.seek(toOffset: 24 + 8 + 40)
        handle.write(Data([byte ^ 0x40]))
        try handle.close()

        let stderr = Pipe()
        let process = try launch(harness, port: port, data: harness.data, config: nil, stderr: stderr, waitReady: false)
        process.waitUntilExit()
        let output = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertNotEqual(process.terminationStatus, 0, "started on a damaged log")
        XCTAssertTrue(output.contains("offset"), "the refusal does not name the offset: \(output)")
    }

    // MARK: - helpers

    /// Starts the binary, has five signed events acknowledged, then stops it with `signal`.
    private func acceptFiveThenStop(_ harness: GatewayHarness, port: UInt16, prefix: String, signal: Int32) throws {
        let process = try launch(harness, port: port, data: harness.data, config: nil)
        let client = try RawClient(port: port)
        for i in 0..<5 {
            let body = GatewayHarness.event(email: "\(prefix)\(i)@example.com")
            XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "\(prefix)_\(i)", body: body), body: body)?.status, 200)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    private func launch(_ harness: GatewayHarness, port: UInt16, data: String, config: String?, stderr: Pipe? = nil, waitReady: Bool = true) throws -> Process {
        let p = Process()
        p.executableURL = try GatehouseBinary.locate()
        p.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data", data, "--routes", harness.routes] + (config.map { ["--config", $0] } ?? [])
        p.environment = ProcessInfo.processInfo.environment.merging(harness.environment) { $1 }
        p.standardError = stderr ?? FileHandle.nullDevice
        try p.run()
        if waitReady { try GatehouseBinary.waitUntilReady(port: port) }
        return p
    }

    private func loggedIDs(_ data: String) throws -> [String] {
        let log = try FileLog.open(directory: data + "/log")
        defer { log.close() }
        var ids: [String] = []
        try log.read(from: 0) { record in
            if case .received(let e) = try LogEvent.decode(record.payload, withBody: false) { ids.append(e.eventID) }
            return true
        }
        return ids
    }

    private func lastSegment(_ data: String) throws -> String {
        let folder = data + "/log"
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".log") }.sorted().last)
        return folder + "/" + name
    }

    @discardableResult
    private func run(_ tool: String, _ arguments: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        p.standardOutput = FileHandle.nullDevice
        do { try p.run() } catch { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }
}
