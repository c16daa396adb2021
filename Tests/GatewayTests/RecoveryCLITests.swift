import Foundation
import Gateway
import Notify
import TestSupport
import XCTest

/// `gatehouse replay --redrive/--remap --url` and `gatehouse redeliver --url`: the built
/// binary against a gateway served in this process (so the simulators' faults are at hand),
/// and the offline form's advice when the data folder is held by that server.
final class RecoveryCLITests: XCTestCase {
    static let token = "recovery-cli-operator-token-88"
    let contact = #"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace"}"#

    func testRecoveryVerbsActThroughTheRunningServerWithURL() throws {
        let binary = try GatehouseBinary.locate()
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(500), times: 3, method: "POST", pathPrefix: "/contacts")
        h.extraEnvironment["OPS_TOKEN"] = Self.token
        try h.start(schedule: [0.1, 0.1]) { $0.operatorToken = SecretReference(env: "OPS_TOKEN") }
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, id: "msg_cli", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .dead })
        let jobID = try XCTUnwrap(h.jobs().first?.id)
        let url = "http://127.0.0.1:\(h.port)"
        let token = ["GATEHOUSE_TEST_TOKEN": Self.token]
        func gatehouse(_ arguments: [String]) throws -> OperatorCLITests.Run {
            try OperatorCLITests.run(binary, arguments + ["--url", url, "--token-env", "GATEHOUSE_TEST_TOKEN"], environment: token)
        }

        let preview = try gatehouse(["replay", "--redrive", "--api", "growcrm", "--dry-run"])
        XCTAssertEqual(preview.status, 0, preview.err)
        XCTAssertTrue(preview.out.contains("\(jobID)  yunojuno/msg_cli  rule contact-to-growcrm  [growcrm.create_contact]  was dead"), preview.out)
        XCTAssertTrue(preview.out.hasSuffix("1 job(s) would be re-driven (dry run: nothing written)\n"), preview.out)
        XCTAssertEqual(h.jobs().first?.status, .dead, "a dry run changed state")

        let noToken = try OperatorCLITests.run(binary, ["replay", "--redrive", "--url", url])
        XCTAssertEqual(noToken.status, 1)
        XCTAssertTrue(noToken.err.contains("--token-env"), noToken.err)

        let badStatus = try gatehouse(["replay", "--redrive", "--status", "succeeded"])
        XCTAssertEqual(badStatus.status, 1)
        XCTAssertTrue(badStatus.err.contains("cannot be re-driven"), badStatus.err)
        let routes = try gatehouse(["replay", "--remap", "--routes", h.routes])
        XCTAssertEqual(routes.status, 1)
        XCTAssertTrue(routes.err.contains("--routes cannot go with --url"), routes.err)

        // Without --url the offline verb would need the folder the server holds: it says what to do.
        for arguments in [["replay", "--redrive", "--data", h.data, "--routes", h.routes],
                          ["redeliver", "--subscriber", "ops", "--data", h.data, "--routes", h.routes]] {
            let held = try OperatorCLITests.run(binary, arguments)
            XCTAssertEqual(held.status, 1, "\(arguments)")
            XCTAssertTrue(held.err.contains("held by a running gateway") && held.err.contains("--url"), held.err)
        }

        let run = try gatehouse(["replay", "--redrive", "--api", "growcrm"])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.hasSuffix("1 job(s) re-driven; the server at \(url) is running them now\n"), run.out)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded }, "\(h.jobs().map(\.lastError))")
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.map(\.status), [500, 500, 500, 201])

        // Remap through the server after fixing the route in its folder.
        let path = h.routes + "/yunojuno.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: #""if": { "not": { "equals": { "path": "mode", "value": "test" } } },"#, with: "")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let remap = try gatehouse(["replay", "--remap", "--source", "yunojuno"])
        XCTAssertEqual(remap.status, 0, remap.err)
        XCTAssertTrue(remap.out.contains("rule contact-to-luminous  [luminous.create_contact]"), remap.out)
        XCTAssertTrue(remap.out.hasSuffix("1 job(s) planned; the server at \(url) is running them now\n"), remap.out)
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy { $0.status == .succeeded } })
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 4, "remap repeated a rule that had run")
        let again = try gatehouse(["replay", "--remap", "--dry-run"])
        XCTAssertTrue(again.out.hasSuffix("0 job(s) would be planned (dry run: nothing written)\n"), again.out)

        let unknown = try gatehouse(["redeliver", "--subscriber", "nobody"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("no subscriber with this id is configured"), unknown.err)
        let none = try gatehouse(["redeliver", "--delivery", "ntf_nope.ops", "--dry-run"])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.err.contains("no delivery with this id"), none.err)

        // Stopped, the offline form works on the same folder again.
        h.stop()
        let offline = try OperatorCLITests.run(binary, ["replay", "--redrive", "--dry-run", "--data", h.data, "--routes", h.routes],
                                               environment: h.environment)
        XCTAssertEqual(offline.status, 0, offline.err)
        XCTAssertTrue(offline.out.hasSuffix("0 job(s) would be re-driven (dry run: nothing written)\n"), offline.out)
    }

    /// An offline dry run only reads. After a SIGKILL left records past the last snapshot, and
    /// with the source's secret unset (so a development secret is wanted), the data folder is
    /// the same file for file and byte for byte: no snapshot written at the end, no secret
    /// made. A mistyped folder is refused rather than made into a new, empty one.
    func testOfflineDryRunsLeaveTheDataFolderAsItWas() throws {
        let binary = try GatehouseBinary.locate()
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let port = try GatehouseBinary.freePort()
        let process = try GatehouseBinary.serve(binary, harness: harness, port: port)
        try GatehouseBinary.waitUntilReady(port: port)
        let client = try RawClient(port: port)
        for i in 0..<5 {
            let body = GatewayHarness.event(email: "dry\(i)@example.com")
            let r = client.request("POST", "/webhooks/yunojuno", headers: GatewayHarness.svixHeaders(id: "dry-\(i)", body: body), body: body)
            XCTAssertEqual(r?.status, 200)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        func contents() throws -> [String: Data] {
            var files: [String: Data] = [:]
            let root = URL(fileURLWithPath: harness.data)
            for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)! {
                let relative = String(url.path.dropFirst(root.path.count))
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
                files[relative] = isDirectory.boolValue ? Data() : try Data(contentsOf: url)
            }
            return files
        }
        let before = try contents()
        XCTAssertFalse(before.keys.contains { $0.contains("dev-secrets") }, "the harness sets the secret: \(before.keys.sorted())")
        let offline = ["--data", harness.data, "--routes", harness.routes]
        for arguments in [["replay", "--redrive", "--dry-run"], ["replay", "--remap", "--dry-run"],
                          ["redeliver", "--subscriber", "ops", "--dry-run"]] {
            let run = try OperatorCLITests.run(binary, arguments + offline)
            XCTAssertEqual(run.status, 0, "\(arguments): \(run.err)")
            XCTAssertTrue(run.out.contains("(dry run: nothing written)"), run.out)
            XCTAssertFalse(run.err.contains("development secret"), "an offline verb has no use for it: \(run.err)")
        }
        // As in production: dev_secrets off, and the operator's shell holds none of the
        // service's secrets (webhook keys, operator token). The offline verbs neither verify
        // nor sign nor serve, so they run all the same.
        let production = harness.root.appendingPathComponent("production.json").path
        try #"{"dev_secrets": false, "operator_token": {"env": "GATEHOUSE_TEST_UNSET_TOKEN"}}"#.write(toFile: production, atomically: false, encoding: .utf8)
        XCTAssertNil(ProcessInfo.processInfo.environment["YJ_SECRET"])
        for arguments in [["replay", "--redrive", "--dry-run"], ["redeliver", "--subscriber", "ops", "--dry-run"]] {
            let run = try OperatorCLITests.run(binary, arguments + offline + ["--config", production])
            XCTAssertEqual(run.status, 0, "\(arguments): \(run.err)")
            XCTAssertTrue(run.out.contains("(dry run: nothing written)"), run.out)
        }
        let after = try contents()
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted(), "files made or removed by a dry run")
        for (path, data) in before { XCTAssertEqual(after[path], data, "\(path) changed in a dry run") }

        // Flags that mean nothing to the verb they are given to are refused, not ignored.
        for (arguments, message) in [(["replay", "--verify", "--redrive"], "--verify goes alone"),
                                     (["replay", "--source", "yunojuno"], "--source goes with --redrive or --remap"),
                                     (["replay", "--dry-run"], "--dry-run goes with --redrive or --remap")] {
            let run = try OperatorCLITests.run(binary, arguments + ["--data", harness.data])
            XCTAssertEqual(run.status, 1, "\(arguments): \(run.out) \(run.err)")
            XCTAssertTrue(run.err.contains(message), "\(arguments): \(run.err)")
        }

        let missing = harness.root.appendingPathComponent("no-such-data").path
        for verb in [["replay", "--redrive", "--dry-run"], ["redeliver", "--subscriber", "ops"], ["replay"]] {
            let run = try OperatorCLITests.run(binary, verb + ["--data", missing, "--routes", harness.routes])
            XCTAssertEqual(run.status, 1, "\(verb)")
            XCTAssertTrue(run.err.contains("no gateway data in \(missing)"), run.err)
            XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "\(verb) made the folder it was to read")
        }
    }

    func testRedeliverVerbThroughTheServerListsThenSends() throws {
        let binary = try GatehouseBinary.locate()
        let sink = try FlakySink()
        defer { sink.server.shutdown(grace: 1) }
        let h = try ActionHarness()
        let audit = h.subscriber("audit", port: sink.port, types: ["event.received"], quickRetries: true)
        try h.start { c in
            c.allowPrivateSubscribers = true
            c.subscribers = [audit]
        }
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, id: "msg_cli_notify", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.gateway?.state.deliveries.deliveries.values.first?.status == .dead })
        let id = try XCTUnwrap(h.gateway?.state.deliveries.deliveries.keys.first)
        sink.failing = false
        let url = "http://127.0.0.1:\(h.port)"

        let preview = try OperatorCLITests.run(binary, ["redeliver", "--subscriber", "audit", "--dry-run", "--url", url])
        XCTAssertEqual(preview.status, 0, preview.err)
        XCTAssertTrue(preview.out.contains("event.received  was dead  attempts 2"), preview.out)
        XCTAssertTrue(preview.out.hasSuffix("1 deliver(ies) would be sent again (dry run: nothing written)\n"), preview.out)
        XCTAssertEqual(sink.count, 2)

        let run = try OperatorCLITests.run(binary, ["redeliver", "--subscriber", "audit", "--url", url])
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertTrue(run.out.hasSuffix("1 deliver(ies) requeued; the server at \(url) is sending them now\n"), run.out)
        XCTAssertTrue(h.eventually { sink.count == 3 && h.gateway?.deliveryRecord(id: id)?.status == .delivered })

        let enable = try OperatorCLITests.run(binary, ["redeliver", "--enable", "audit", "--url", url])
        XCTAssertEqual(enable.status, 0, enable.err)
        XCTAssertTrue(enable.out.contains("subscriber audit: enable requested"), enable.out)
    }
}
