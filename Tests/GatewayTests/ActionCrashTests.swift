import Foundation
import Routing
import Signing
import Simulators
import TestSupport
import XCTest

/// SIGKILL of the real binary while actions are in flight (slow APIs, and some creates that
/// take effect but never answer): after a restart every acknowledged event's actions finish,
/// and no create reaches an API twice.
final class ActionCrashTests: XCTestCase {
    func testKillWhileActionsAreInFlightLosesNoneAndDuplicatesNoCreate() throws {
        let h = try ActionHarness()
        let fleet = h.fleet
        fleet.growcrm.faults.add(.delay(milliseconds: 150), times: 200, method: "POST", pathPrefix: "/contacts")
        fleet.luminous.faults.add(.dropAfterCommit, times: 3, method: "POST", pathPrefix: "/contacts")
        fleet.luminous.faults.add(.delay(milliseconds: 100), times: 200, method: "POST", pathPrefix: "/contacts")
        let dev = SimulatorCredentials.development
        let config = """
        {"dev_secrets": false, "shutdown_grace_seconds": 2,
         "actions": {"retry_schedule_seconds": [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3], "jitter": 0},
         "apis": {"simulate": false,
           "growcrm": {"base_url": "\(fleet.baseURL(for: .growcrm))", "token": {"env": "T_GROWCRM"}, "timeout_seconds": 1},
           "luminous": {"base_url": "\(fleet.baseURL(for: .luminous))", "token": {"env": "T_LUMINOUS"}, "timeout_seconds": 1},
           "roosted": {"base_url": "\(fleet.baseURL(for: .roosted))", "api_key": {"env": "T_ROOSTED"}},
           "yunojuno": {"base_url": "\(fleet.baseURL(for: .yunojuno))", "client_id": {"env": "T_YJ_ID"}, "client_secret": {"env": "T_YJ_SECRET"}}}}
        """
        let configPath = h.root.appendingPathComponent("config.json").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        var env = h.environment
        env["T_GROWCRM"] = dev.growcrmAPIKey
        env["T_LUMINOUS"] = dev.luminousToken
        env["T_ROOSTED"] = dev.roostedAPIKey
        env["T_YJ_ID"] = dev.yunojunoClientID
        env["T_YJ_SECRET"] = dev.yunojunoClientSecret

        func launch() throws -> (Process, UInt16) {
            let port = try GatehouseBinary.freePort()
            let p = Process()
            p.executableURL = try GatehouseBinary.locate()
            p.arguments = ["serve", "--config", configPath, "--listen", "127.0.0.1:\(port)", "--data", h.data, "--routes", h.routes]
            p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 }
            p.standardError = FileHandle.nullDevice
            try p.run()
            try GatehouseBinary.waitUntilReady(port: port)
            return (p, port)
        }

        var (process, port) = try launch()
        h.port = port
        var acknowledged: [String] = []
        for i in 0..<30 {
            let email = "person\(i)@example.com"
            let object = #"{"email":"\#(email)","first_name":"P\#(i)","last_name":"Q","is_primary":false}"#
            if h.sendYunoJuno("client.client_contact.created", object, id: "msg_crash_\(i)") == 200 { acknowledged.append(email) }
            if i == 20 { usleep(300_000) }
        }
        XCTAssertEqual(acknowledged.count, 30)
        // Kill while work is still under way (the slow APIs hold requests).
        let before = try JSONValue.parse(Array((RawClient(port: port).request("GET", "/status")?.body ?? "").utf8))
        let unfinished = ["pending", "in_flight", "retrying"].compactMap { before[path: "apis.growcrm.\($0)"]?.scalarText.flatMap(Int.init) }.reduce(0, +)
        XCTAssertGreaterThan(unfinished, 0, "nothing was left to do at the kill: the test would prove nothing")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        (process, port) = try launch()
        defer { kill(process.processIdentifier, SIGTERM); process.waitUntilExit() }
        let settled = h.eventually(40) {
            guard let status = try? JSONValue.parse(Array((RawClient(port: port).request("GET", "/status")?.body ?? "").utf8)) else { return false }
            for api in ["growcrm", "luminous"] {
                for label in ["pending", "in_flight", "retrying"] where status[path: "apis.\(api).\(label)"] != .int(0) { return false }
            }
            return true
        }
        XCTAssertTrue(settled, "work did not settle after the restart")

        let crmUsers = try Self.state(fleet.growcrm, "users")
        let lumContacts = try Self.state(fleet.luminous, "contacts")
        for email in acknowledged {
            XCTAssertEqual(crmUsers.filter { $0[path: "email"]?.scalarText == email }.count, 1, "Grow CRM holds \(email) not exactly once")
            XCTAssertEqual(lumContacts.filter { $0[path: "email"]?.scalarText == email }.count, 1, "Luminous holds \(email) not exactly once")
        }
    }

    static func state(_ simulator: APISimulator, _ collection: String) throws -> [JSONValue] {
        let port = try XCTUnwrap(simulator.port)
        let body = try XCTUnwrap(RawClient(port: port).request("GET", "/_sim/state")?.body)
        guard case .array(let items)? = try JSONValue.parse(Array(body.utf8))[path: "state.\(collection)"] else { return [] }
        return items
    }
}
