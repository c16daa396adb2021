import Foundation
@testable import Gateway
import Routing
@testable import Notify
import XCTest

final class JobPlanCodingTests: XCTestCase {
    private let plans = [
        JobPlan(id: "job_10_0", rule: "contact", key: "yunojuno:a@example.com",
                actions: [ActionTemplate(name: "crm", api: "growcrm", operation: "create_contact", params: ["id": .string("{{ x }}")],
                                         body: .object(["email": .string("{{ data.email | lower }}"), "n": .int(1), "none": .null])),
                          ActionTemplate(name: "owner", api: "growcrm", operation: "set_account_owner")],
                notify: ["ops", "audit"]),
        JobPlan(id: "job_10_1", rule: "plain", key: nil, actions: [ActionTemplate(name: "x", api: "luminous", operation: "create_contact", body: .null)],
                notify: []),
    ]

    func testPlansRoundTripThroughTheWireLayout() throws {
        let bytes = JobPlanCoding.encode(plans)
        XCTAssertEqual(bytes.first, 2)
        XCTAssertEqual(try JobPlanCoding.decode(bytes), plans)
        XCTAssertEqual(try JobPlanCoding.decode(JobPlanCoding.encode([])), [])
    }

    /// Logs written before the wire layout hold the plans as JSON; they stay readable.
    func testJSONPlansFromOlderLogsStillDecode() throws {
        let legacy = Array(try JSONEncoder().encode(plans))
        XCTAssertEqual(legacy.first, UInt8(ascii: "["))
        XCTAssertEqual(try JobPlanCoding.decode(legacy), plans)
    }

    func testDamagedPlansAreRefusedNotGuessed() {
        var bytes = JobPlanCoding.encode(plans)
        bytes.removeLast(5)
        XCTAssertThrowsError(try JobPlanCoding.decode(bytes))
        XCTAssertThrowsError(try JobPlanCoding.decode([9, 1, 2]))
    }

    /// A retention mark carries subscribers' standing; a count near Int.max in one (a CRC is no
    /// MAC) trapped the fold's next increment on every start. It is refused as damage.
    func testARetentionMarkWithACountNearIntMaxIsRefused() throws {
        var health = SubscriberHealth()
        health.consecutiveFailures = Int.max
        let mark = LogEvent.retained(RetentionMark(before: 10, dedupeFloor: 0, at: 60, subscribers: ["ops": health]))
        XCTAssertThrowsError(try LogEvent.decode(mark.encoded())) { XCTAssertTrue("\($0)".contains("out of range"), "\($0)") }
        health.consecutiveFailures = 3
        let fine = LogEvent.retained(RetentionMark(before: 10, dedupeFloor: 0, at: 60, subscribers: ["ops": health]))
        XCTAssertEqual(try LogEvent.decode(fine.encoded()), fine)
    }
}
