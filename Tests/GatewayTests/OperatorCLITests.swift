import Foundation
import Gateway
import HTTP1
import Sockets
import TestSupport
import XCTest

/// `gatehouse status` against a real `gatehouse serve` child process.
final class OperatorCLITests: XCTestCase {
    static let token = "cli-test-operator-token-41"

    struct Run {
        let status: Int32
        let out: String
        let err: String
    }

    static func run(_ binary: URL, _ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, out: String(decoding: outData, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
    }

    func testStatusVerbPrintsTablesAndNeedsTheToken() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let binary = try GatehouseBinary.locate()
        let config = harness.root.appendingPathComponent("config.json").path
        try #"{"operator_token": {"env": "OPS_TOKEN"}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let port = try GatehouseBinary.freePort()
        let server = Process()
        server.executableURL = binary
        server.arguments = ["serve", "--config", config, "--listen", "127.0.0.1:\(port)", "--data", harness.data, "--routes", harness.routes]
        var env = ProcessInfo.processInfo.environment
        for (k, v) in harness.environment { env[k] = v }
        env["OPS_TOKEN"] = Self.token
        server.environment = env
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            kill(server.processIdentifier, SIGTERM)
            server.waitUntilExit()
        }
        try GatehouseBinary.waitUntilReady(port: port)
        let body = GatewayHarness.event()
        let client = try RawClient(port: port)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "cli_1", body: body), body: body)?.status, 200)
        XCTAssertEqual(client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "cli_1", body: body), body: body)?.status, 200)
        let url = "http://127.0.0.1:\(port)"

        let ok = try Self.run(binary, ["status", "--url", url, "--token-env", "GATEHOUSE_CLI_TOKEN"], environment: ["GATEHOUSE_CLI_TOKEN": Self.token])
        XCTAssertEqual(ok.status, 0, ok.err)
        for heading in ["SOURCES", "APIS", "JOBS", "LOG", "LISTENER"] {
            XCTAssertTrue(ok.out.contains(heading), "missing \(heading):\n\(ok.out)")
        }
        XCTAssertTrue(ok.out.contains("gatehouse \(Gateway.version) at \(url): ready"), ok.out)
        let yunojuno = try XCTUnwrap(ok.out.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("yunojuno") })
        XCTAssertEqual(yunojuno.split(separator: " ").prefix(4), ["yunojuno", "1", "1", "0"], "accepted 1, duplicates 1, rejected 0: \(yunojuno)")
        XCTAssertTrue(ok.out.contains("form"), ok.out)
        XCTAssertFalse(ok.out.contains(Self.token))

        let noToken = try Self.run(binary, ["status", "--url", url])
        XCTAssertEqual(noToken.status, 1)
        XCTAssertTrue(noToken.err.contains("--token-env"), noToken.err)
        XCTAssertEqual(noToken.out, "")

        let wrong = try Self.run(binary, ["status", "--url", url, "--token-env", "GATEHOUSE_CLI_TOKEN"], environment: ["GATEHOUSE_CLI_TOKEN": "nope"])
        XCTAssertEqual(wrong.status, 1)

        let unset = try Self.run(binary, ["status", "--url", url, "--token-env", "GATEHOUSE_CLI_TOKEN_UNSET"])
        XCTAssertEqual(unset.status, 1)
        XCTAssertTrue(unset.err.contains("GATEHOUSE_CLI_TOKEN_UNSET"), unset.err)
    }

    /// The CLI follows no redirect: the operator token must not go to the host a 3xx names.
    func testTheCLIDoesNotCarryTheTokenAcrossARedirect() throws {
        let binary = try GatehouseBinary.locate()
        let seen = LockedList<String>()
        let elsewhere = HTTPServer(configuration: .init(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: 1)) { request, responder in
            seen.append(request.headers["authorization"] ?? "-")
            responder.respond(.text(.ok, "{}"))
        }
        let elsewherePort = try elsewhere.start().port
        defer { elsewhere.shutdown(grace: 0.2) }
        let redirecting = HTTPServer(configuration: .init(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: 1)) { _, responder in
            responder.respond(.text(HTTPStatus(302), headers: [("Location", "http://127.0.0.1:\(elsewherePort)/status")]))
        }
        let port = try redirecting.start().port
        defer { redirecting.shutdown(grace: 0.2) }
        let run = try Self.run(binary, ["status", "--url", "http://127.0.0.1:\(port)", "--token-env", "GATEHOUSE_CLI_TOKEN"],
                               environment: ["GATEHOUSE_CLI_TOKEN": Self.token])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertEqual(seen.items, [], "the token followed the redirect")
    }

    func testStatusVerbSaysWhenNothingAnswers() throws {
        let binary = try GatehouseBinary.locate()
        let port = try GatehouseBinary.freePort()
        let down = try Self.run(binary, ["status", "--url", "http://127.0.0.1:\(port)"])
        XCTAssertEqual(down.status, 1)
        XCTAssertTrue(down.err.contains("cannot reach http://127.0.0.1:\(port)"), down.err)
        XCTAssertEqual(down.out, "")
        let bad = try Self.run(binary, ["status", "--url", "ftp://example"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.err.contains("--url"), bad.err)
    }

    /// A stray word or an empty value is an error before anything runs: `-dry-run` with one dash
    /// once made a dry run real, and `--source "$UNSET"` widened a re-drive to every source.
    func testStrayArgumentsAndEmptyValuesAreRefusedBeforeAnythingRuns() throws {
        let binary = try GatehouseBinary.locate()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        let stray = try Self.run(binary, ["replay", "--redrive", "-dry-run", "--data", data])
        XCTAssertNotEqual(stray.status, 0)
        XCTAssertTrue(stray.err.contains("unexpected argument \"-dry-run\""), stray.err)
        let empty = try Self.run(binary, ["replay", "--redrive", "--dry-run", "--source", "", "--data", data])
        XCTAssertNotEqual(empty.status, 0)
        XCTAssertTrue(empty.err.contains("--source needs a value, not an empty one"), empty.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: data + "/log"), "nothing was opened")
    }

    /// Enabling a subscriber the configuration does not name records nothing and says so
    /// (offline it once printed "enable recorded" and exited 0).
    func testEnablingAnUnknownSubscriberOfflineFails() throws {
        let binary = try GatehouseBinary.locate()
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: data) }
        // A data folder with an empty log: the verbs refuse a folder with none.
        try FileManager.default.createDirectory(atPath: data + "/log", withIntermediateDirectories: true)
        let run = try Self.run(binary, ["redeliver", "--enable", "nobody", "--data", data])
        XCTAssertEqual(run.status, 1, run.out + run.err)
        XCTAssertTrue(run.out.contains("subscriber nobody is not in the configuration: nothing recorded"), run.out)
    }
}
