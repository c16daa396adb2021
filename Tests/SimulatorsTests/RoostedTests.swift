import Foundation
import XCTest
@testable import Simulators

final class RoostedTests: XCTestCase {
    func testAPIKeyHeaderIsRequired() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        let missing = h.call("GET", "/clients", authenticated: false)
        XCTAssertEqual(missing.status, 401)
        XCTAssertNotNil(missing.json["message"]?.stringValue)
        let wrong = h.call("GET", "/clients", headers: [("X-API-KEY", "nope")], authenticated: false)
        XCTAssertEqual(wrong.status, 401)
        // A bearer token is not the configured header.
        let bearer = h.call("GET", "/clients", headers: [("Authorization", "Bearer dev-roosted-key")], authenticated: false)
        XCTAssertEqual(bearer.status, 401)
        XCTAssertEqual(h.call("GET", "/clients", headers: [("x-api-key", "dev-roosted-key")], authenticated: false).status, 200)
    }

    func testHeaderNameIsConfigurable() throws {
        let h = try Harness(.roosted, credentials: SimulatorCredentials(roostedAPIKey: "k1", roostedHeaderName: "Authorization"))
        defer { h.stop() }
        XCTAssertEqual(h.call("GET", "/clients", headers: [("Authorization", "Bearer k1")], authenticated: false).status, 200)
        XCTAssertEqual(h.call("GET", "/clients", headers: [("X-API-KEY", "k1")], authenticated: false).status, 401)
        XCTAssertEqual(h.call("GET", "/clients", headers: [("Authorization", "k1")], authenticated: false).status, 401,
                       "in Authorization the key is a bearer token")
    }

    func testCreateAnswersTheClientObject() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        let reply = h.call("POST", "/clients", json: #"{"client_name":"Acme Corp","client_contact_email":"ops@acme.example","client_city":"Leeds"}"#)
        XCTAssertEqual(reply.status, 201)
        let id = try XCTUnwrap(reply.json["id"]?.stringValue)
        XCTAssertEqual(id.count, 5)
        XCTAssertTrue(id.allSatisfy { $0.isLetter || $0.isNumber })
        XCTAssertEqual(reply.json["client_name"], "Acme Corp")
        XCTAssertEqual(reply.json["client_contact_email"], "ops@acme.example")
        XCTAssertEqual(reply.json["client_city"], "Leeds")
        XCTAssertEqual(reply.json["client_state"], .null)
        XCTAssertEqual(reply.json["pending"], false)
        let fetched = h.call("GET", "/clients/\(id)")
        XCTAssertEqual(fetched.status, 200)
        XCTAssertEqual(fetched.json, reply.json)
        let unknown = h.call("GET", "/clients/zzzzz")
        XCTAssertEqual(unknown.status, 404)
        XCTAssertNotNil(unknown.json["message"]?.stringValue)
    }

    func testSameNameTwiceMakesTwoClients() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        let a = h.call("POST", "/clients", json: #"{"client_name":"Twin"}"#)
        let b = h.call("POST", "/clients", json: #"{"client_name":"Twin"}"#)
        XCTAssertEqual([a.status, b.status], [201, 201])
        XCTAssertNotEqual(a.json["id"], b.json["id"])
        XCTAssertEqual(h.call("GET", "/clients").json["total_count"], 2)
    }

    func testListPagesWithTotalCount() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        var ids: [JSON] = []
        for i in 1...5 { ids.append(h.call("POST", "/clients", json: #"{"client_name":"C\#(i)"}"#).json["id"] ?? .null) }
        let first = h.call("GET", "/clients?items_per_page=2&page=1")
        XCTAssertEqual(first.status, 200)
        XCTAssertEqual(first.json["total_count"], 5)
        XCTAssertEqual(first.json["clients"]?.arrayValue?.map { $0["id"] ?? .null }, Array(ids[0..<2]))
        let last = h.call("GET", "/clients?items_per_page=2&page=3")
        XCTAssertEqual(last.json["clients"]?.arrayValue?.map { $0["id"] ?? .null }, [ids[4]])
        XCTAssertEqual(h.call("GET", "/clients?items_per_page=2&page=4").json["clients"], [])
        XCTAssertEqual(h.call("GET", "/clients?items_per_page=100").json["clients"]?.arrayValue?.count, 5)
        for bad in ["items_per_page=0", "items_per_page=101", "items_per_page=x", "page=0"] {
            XCTAssertEqual(h.call("GET", "/clients?\(bad)").status, 400, bad)
        }
    }

    func testClientNameIsRequiredAndBounded() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        for body in [#"{}"#, #"{"client_name":""}"#, #"{"client_name":null}"#, #"{"client_name":"\#(string(256))"}"#, #"{"client_name":12}"#] {
            let reply = h.call("POST", "/clients", json: body)
            XCTAssertEqual(reply.status, 400, body)
            XCTAssertFalse(messages(reply, "client_name").isEmpty, body)
        }
        XCTAssertEqual(h.call("POST", "/clients", json: #"{"client_name":"\#(string(255))"}"#).status, 201)
    }

    func testOptionalFieldLimits() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        for field in ["client_contact_name", "client_contact_email", "client_invoice_customer_id", "client_city", "client_state", "client_postal_code"] {
            let tooLong = h.call("POST", "/clients", json: #"{"client_name":"n","\#(field)":"\#(string(256))"}"#)
            XCTAssertEqual(tooLong.status, 400, field)
            XCTAssertEqual(messages(tooLong, field), ["\(field) must be at most 255 characters."])
            XCTAssertEqual(h.call("POST", "/clients", json: #"{"client_name":"n","\#(field)":"\#(string(255))"}"#).status, 201, field)
        }
        XCTAssertEqual(h.call("POST", "/clients", json: #"{"client_name":"n","client_address":"\#(string(65536))"}"#).status, 400)
        XCTAssertEqual(h.call("POST", "/clients", json: #"{"client_name":"n","client_address":"\#(string(65535))"}"#).status, 201)
    }

    func testRoutingErrors() throws {
        let h = try Harness(.roosted)
        defer { h.stop() }
        XCTAssertEqual(h.call("DELETE", "/clients").status, 405)
        XCTAssertEqual(h.call("GET", "/workers").status, 404)
        // Outside the base path there is nothing.
        let outside = h.call("GET", "/clients", underBasePath: false)
        XCTAssertEqual(outside.status, 404)
        XCTAssertNotNil(outside.json["message"]?.stringValue)
        let badJSON = h.call("POST", "/clients", json: "{nope")
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertNotNil(badJSON.json["message"]?.stringValue)
    }
}
