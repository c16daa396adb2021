import Foundation
import XCTest
@testable import Simulators

final class ControlSurfaceTests: XCTestCase {
    func testFaultsCanBeStagedListedAndClearedOverHTTP() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        let staged = h.raw("POST", "/_sim/faults", body: Array(#"{"fault":"status","status":503,"times":2,"method":"GET","path_prefix":"/clients"}"#.utf8))
        XCTAssertEqual(staged.status, 201)
        XCTAssertEqual(staged.json["queued"]?["times"], 2)
        XCTAssertEqual(h.raw("GET", "/_sim/faults").json["faults"]?.arrayValue?.count, 1)
        XCTAssertEqual(h.call("GET", "/clients").status, 503)
        XCTAssertEqual(h.raw("DELETE", "/_sim/faults").json, ["cleared": 1])
        XCTAssertEqual(h.call("GET", "/clients").status, 200)
    }

    func testEveryFaultKindCanBeStagedOverHTTP() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        let bodies = [
            #"{"fault":"too_many_requests","retry_after_seconds":3}"#,
            #"{"fault":"delay","milliseconds":10}"#,
            #"{"fault":"drop"}"#,
            #"{"fault":"drop_after_commit"}"#,
            #"{"fault":"status","status":500,"body":{"error":"boom"}}"#,
        ]
        for body in bodies { XCTAssertEqual(h.raw("POST", "/_sim/faults", body: Array(body.utf8)).status, 201, body) }
        XCTAssertEqual(h.simulator.faults.pending.map(\.fault),
                       [.tooManyRequests(retryAfterSeconds: 3), .delay(milliseconds: 10), .drop, .dropAfterCommit, .status(500, body: #"{"error":"boom"}"#)])
        let throttled = h.call("GET", "/clients")
        XCTAssertEqual(throttled.status, 429)
        XCTAssertEqual(throttled.headers["retry-after"], "3")
        XCTAssertEqual(h.call("GET", "/clients").status, 200)
        XCTAssertFalse(h.call("GET", "/clients").answered)
        XCTAssertFalse(h.call("POST", "/clients", json: #"{"client_name":"x"}"#).answered)
        XCTAssertEqual(h.call("GET", "/clients").json, ["error": "boom"])
        XCTAssertEqual(h.call("GET", "/clients").json["total_count"], 1)
    }

    func testMalformedFaultsAreRefused() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        for body in ["", "[]", #"{"fault":"explode"}"#, #"{"fault":"status"}"#, #"{"fault":"delay","milliseconds":-1}"#, #"{"fault":"drop","times":0}"#] {
            let reply = h.raw("POST", "/_sim/faults", body: Array(body.utf8))
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertNotNil(reply.json["error"]?.stringValue, body)
        }
        XCTAssertTrue(h.simulator.faults.pending.isEmpty)
    }

    func testJournalOverHTTPExcludesControlRequests() throws {
        let h = try Harness(.growcrm)
        defer { h.stop() }
        _ = h.call("GET", "/contacts?limit=1")
        _ = h.raw("GET", "/_sim/state")
        let journal = h.raw("GET", "/_sim/journal")
        XCTAssertEqual(journal.status, 200)
        let requests = try XCTUnwrap(journal.json["requests"]?.arrayValue)
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests[0]["method"], "GET")
        XCTAssertEqual(requests[0]["target"], "/api/contacts?limit=1")
        XCTAssertEqual(requests[0]["status"], 200)
        XCTAssertTrue(requests[0]["headers"]?.arrayValue?.contains(["authorization", "Bearer dev-growcrm-key"]) ?? false)
        XCTAssertEqual(h.raw("DELETE", "/_sim/journal").status, 200)
        XCTAssertEqual(h.raw("GET", "/_sim/journal").json["requests"], [])
    }

    func testStateDumpsRecordsWithoutAuthentication() throws {
        let h = try Harness(.luminous)
        defer { h.stop() }
        XCTAssertEqual(h.call("POST", "/contacts", json: #"{"first_name":"Ann","company_id":2}"#).status, 201)
        let state = h.raw("GET", "/_sim/state")
        XCTAssertEqual(state.status, 200)
        XCTAssertEqual(state.json["api"], "luminous")
        XCTAssertEqual(state.json["state"]?["companies"]?.arrayValue?.count, 3)
        XCTAssertEqual(state.json["state"]?["contacts"]?[0]?["first_name"], "Ann")
    }

    func testUnknownControlPaths() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        XCTAssertEqual(h.raw("GET", "/_sim/nothing").status, 404)
        XCTAssertEqual(h.raw("PUT", "/_sim/state").status, 405)
    }
}
