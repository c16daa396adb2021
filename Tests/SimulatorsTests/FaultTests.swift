import Foundation
import XCTest
@testable import Simulators

final class FaultTests: XCTestCase {
    private let contact = #"{"first_name":"Jane","last_name":"Doe","email":"jane@example.com","clientid":1}"#

    private func contactCount(_ h: Harness) -> Int {
        h.call("GET", "/contacts").json["meta"]?["total"]?.intValue ?? -1
    }

    func testStatusFaultAnswersInTheAPIsShapeWithoutPerforming() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        h.simulator.faults.add(.status(503), method: "POST", pathPrefix: "/contacts")
        let faulted = h.call("POST", "/contacts", json: contact)
        XCTAssertEqual(faulted.status, 503)
        XCTAssertEqual(faulted.json, ["message": "Service Unavailable"])
        XCTAssertEqual(contactCount(h), 2)
        XCTAssertEqual(h.call("POST", "/contacts", json: contact).status, 201)
        XCTAssertEqual(contactCount(h), 3)
    }

    func testStatusFaultWithCustomBodyAndRepeatCount() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        h.simulator.faults.add(.status(500, body: #"{"oops":true}"#), times: 2)
        for _ in 0..<2 {
            let reply = h.call("GET", "/clients")
            XCTAssertEqual(reply.status, 500)
            XCTAssertEqual(reply.json, ["oops": true])
            XCTAssertEqual(reply.headers["content-type"], "application/json")
        }
        XCTAssertEqual(h.call("GET", "/clients").status, 200)
        XCTAssertTrue(h.simulator.faults.pending.isEmpty)
    }

    func testFaultsOnlyHitMatchingRequests() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        h.simulator.faults.add(.status(502), method: "DELETE")
        h.simulator.faults.add(.status(504), pathPrefix: "/api/clients")
        XCTAssertEqual(h.call("GET", "/contacts").status, 200)
        XCTAssertEqual(h.call("POST", "/contacts", json: contact).status, 201)
        XCTAssertEqual(h.call("POST", "/clients", json: "{}").status, 504)
        XCTAssertEqual(h.call("DELETE", "/contacts/2").status, 502)
        XCTAssertEqual(h.call("DELETE", "/contacts/2").status, 200)
        h.simulator.faults.add(.status(500))
        h.simulator.faults.clear()
        XCTAssertEqual(h.call("GET", "/contacts").status, 200)
    }

    func testTooManyRequestsCarriesRetryAfter() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        h.simulator.faults.add(.tooManyRequests(retryAfterSeconds: 7), pathPrefix: "/contacts")
        let reply = h.call("POST", "/contacts", json: #"{"first_name":"a","company_id":1}"#)
        XCTAssertEqual(reply.status, 429)
        XCTAssertEqual(reply.headers["retry-after"], "7")
        XCTAssertEqual(reply.json, ["message": "Too Many Attempts."])
        XCTAssertEqual(h.state()["contacts"], [])
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"a","company_id":1}"#).status, 201)
    }

    func testDelayAnswersNormallyAfterTheDelay() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        h.simulator.faults.add(.delay(milliseconds: 400))
        let started = Date()
        let reply = h.call("POST", "/clients", json: #"{"client_name":"Slow"}"#)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(reply.status, 201)
        XCTAssertGreaterThanOrEqual(elapsed, 0.4)
        XCTAssertLessThan(elapsed, 3)
        // Used once: nothing left staged to slow the next call.
        XCTAssertTrue(h.simulator.faults.pending.isEmpty)
        XCTAssertEqual(h.call("GET", "/clients").status, 200)
    }

    func testDropGivesNoAnswerAndPerformsNothing() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        h.simulator.faults.add(.drop, method: "POST")
        let reply = h.call("POST", "/contacts", json: contact)
        XCTAssertFalse(reply.answered)
        XCTAssertEqual(contactCount(h), 2)
        XCTAssertEqual(h.simulator.journal().first?.status, nil)
        XCTAssertEqual(h.simulator.journal().first?.method, "POST")
        // The retry is the first to create it.
        XCTAssertEqual(h.call("POST", "/contacts", json: contact).status, 201)
    }

    func testDropAfterCommitGivesNoAnswerButTheRecordExists() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        h.simulator.faults.add(.dropAfterCommit, method: "POST", pathPrefix: "/contacts")
        XCTAssertFalse(h.call("POST", "/contacts", json: contact).answered)
        let found = h.call("GET", "/contacts?search=jane@example.com")
        XCTAssertEqual(found.json["meta"]?["total"], 1)
        XCTAssertNil(h.simulator.journal().first?.status)
        // A blind retry now collides with the write it could not see.
        XCTAssertEqual(h.call("POST", "/contacts", json: contact).status, 422)
    }

    func testDropAfterCommitOnRoostedLeadsToADuplicateOnBlindRetry() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        h.simulator.faults.add(.dropAfterCommit)
        XCTAssertFalse(h.call("POST", "/clients", json: #"{"client_name":"Ambiguous"}"#).answered)
        XCTAssertEqual(h.call("POST", "/clients", json: #"{"client_name":"Ambiguous"}"#).status, 201)
        XCTAssertEqual(h.call("GET", "/clients").json["total_count"], 2)
    }

    func testJournalRecordsRequestsAndOutcomes() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        _ = h.call("POST", "/contacts?x=1", json: #"{"first_name":"a","company_id":1}"#)
        _ = h.call("GET", "/contacts/1", authenticated: false)
        let journal = h.simulator.journal()
        XCTAssertEqual(journal.map(\.method), ["POST", "GET"])
        XCTAssertEqual(journal.map(\.target), ["/external/api/v1/contacts?x=1", "/external/api/v1/contacts/1"])
        XCTAssertEqual(journal.first?.path, "/external/api/v1/contacts")
        XCTAssertEqual(journal.map(\.status), [201, 401])
        XCTAssertEqual(journal.first?.header("Authorization"), "Bearer dev-luminous-token")
        XCTAssertEqual(journal.first?.bodyText, #"{"first_name":"a","company_id":1}"#)
        XCTAssertLessThanOrEqual(journal[0].receivedAt, journal[1].receivedAt)
        h.simulator.resetJournal()
        XCTAssertTrue(h.simulator.journal().isEmpty)
    }
}
