import Foundation
import Gateway
import Routing
import XCTest

final class WorkRecoveryTests: XCTestCase {
    let contact = #"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace"}"#

    func testRedriveDryRunListsDeadJobsAndTheRealRunCompletesThem() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(500), times: 3, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [0.1, 0.1])
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .dead })
        let gateway = try XCTUnwrap(h.gateway)

        let preview = try gateway.redrive(WorkFilter(api: "growcrm"), dryRun: true)
        XCTAssertEqual(preview.map(\.previousStatus), ["dead"])
        XCTAssertEqual(h.jobs().first?.status, .dead, "a dry run changed state")
        XCTAssertEqual(try gateway.redrive(WorkFilter(api: "luminous"), dryRun: true).count, 0, "the api filter let a growcrm job through")

        XCTAssertEqual(try gateway.redrive(WorkFilter(api: "growcrm"), dryRun: false).count, 1)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded }, "\(h.jobs().map(\.lastError))")
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.map(\.status), [500, 500, 500, 201])
        XCTAssertEqual(try gateway.redrive(WorkFilter(), dryRun: true).count, 0, "a succeeded job is offered again")
    }

    func testRemapPlansOnlyRulesThatNeverRanAndNeverTwice() throws {
        let h = try ActionHarness()
        try h.start()
        // Test-mode events skip the Luminous rule (its condition excludes mode "test").
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", contact, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 1 && h.jobs()[0].isFinished })
        let gateway = try XCTUnwrap(h.gateway)

        // "Fix" the route: drop the condition from the Luminous rule.
        let path = h.routes + "/yunojuno.json"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: #""if": { "not": { "equals": { "path": "mode", "value": "test" } } },"#, with: "")
        let fixed = h.root.appendingPathComponent("fixed-routes").path
        try FileManager.default.createDirectory(atPath: fixed, withIntermediateDirectories: true)
        try text.write(toFile: fixed + "/yunojuno.json", atomically: true, encoding: .utf8)
        let rules = try Gateway.loadRules(directory: fixed)

        let preview = try gateway.remap(rules: rules, filter: WorkFilter(source: "yunojuno"), dryRun: true)
        XCTAssertEqual(preview.map(\.rule), ["contact-to-luminous"])
        XCTAssertEqual(h.fleet.luminous.journal().count, 0)
        XCTAssertEqual(try gateway.remap(rules: rules, filter: WorkFilter(source: "yunojuno"), dryRun: false).count, 1)
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy { $0.status == .succeeded } })
        XCTAssertEqual(h.fleet.luminous.journal().filter { $0.method == "POST" }.count, 1)
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 1, "remap repeated a rule that had run")
        XCTAssertEqual(try gateway.remap(rules: rules, filter: WorkFilter(), dryRun: true).count, 0, "remap offers the same rule twice")
        XCTAssertEqual(try gateway.remap(rules: rules, filter: WorkFilter(until: 1000), dryRun: true).count, 0)
    }

    /// Two remaps at once (two operators, two loops) must not both plan the missing rule: with
    /// snapshots off there is no retention sweeper, whose lock used to be the only one.
    func testConcurrentRemapsPlanEachMissingRuleOnce() throws {
        let h = try ActionHarness()
        try h.start { $0.snapshots.enabled = false }
        for n in 0..<20 {
            let person = #"{"email":"twice\#(n)@example.com","first_name":"Twice","last_name":"N\#(n)"}"#
            XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", person, mode: "test"), 200)
        }
        XCTAssertTrue(h.eventually { h.jobs().count == 20 && h.jobs().allSatisfy(\.isFinished) })
        let gateway = try XCTUnwrap(h.gateway)
        let text = try String(contentsOfFile: h.routes + "/yunojuno.json", encoding: .utf8)
            .replacingOccurrences(of: #""if": { "not": { "equals": { "path": "mode", "value": "test" } } },"#, with: "")
        let fixed = h.root.appendingPathComponent("fixed-routes").path
        try FileManager.default.createDirectory(atPath: fixed, withIntermediateDirectories: true)
        try text.write(toFile: fixed + "/yunojuno.json", atomically: false, encoding: .utf8)
        let rules = try Gateway.loadRules(directory: fixed)
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            _ = try? gateway.remap(rules: rules, filter: WorkFilter(source: "yunojuno"), dryRun: false)
        }
        let luminous = h.jobs().filter { $0.rule == "contact-to-luminous" }
        XCTAssertEqual(luminous.count, 20, "each event's missing rule planned once: \(luminous.count)")
    }
}
