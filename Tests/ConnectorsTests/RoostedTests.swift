import Connectors
import Foundation
import Routing
import Simulators
import XCTest

final class RoostedTests: XCTestCase {
    /// With the key configured for `Authorization`, a bare key goes as a bearer token (the
    /// simulator, as that guide shows, refuses a bare one there).
    func testAKeyInTheAuthorizationHeaderGoesAsABearerToken() async throws {
        let h = try Harness(credentials: SimulatorCredentials(roostedAPIKey: "k-auth", roostedHeaderName: "Authorization"))
        defer { h.stop() }
        let outcome = await h.perform(action("roosted", "create_client", body: #"{"client_name": "Bearer Ltd"}"#))
        XCTAssertEqual(success(outcome)?.status, 201, "\(outcome)")
        XCTAssertEqual(h.roosted.journal().first?.header("authorization"), "Bearer k-auth")
    }

    func testCreateClientSendsTheKeyHeaderAndReturnsTheId() async throws {
        let h = try Harness()
        defer { h.stop() }
        let body = #"{"client_name": "Acme Corp", "client_contact_email": "ops@acme.example", "client_city": "Leeds"}"#
        let outcome = await h.perform(action("roosted", "create_client", body: body))
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 201)
        XCTAssertNil(note)
        XCTAssertEqual(result[path: "client_name"], .string("Acme Corp"))
        XCTAssertEqual(result[path: "id"]?.scalarText?.count, 5)
        XCTAssertNil(result[path: "client_city"], "results keep ids and names only")
        let request = try XCTUnwrap(h.roosted.journal().first)
        XCTAssertEqual(h.roosted.journal().count, 1)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.target, "/api/1_12/clients")
        XCTAssertEqual(request.header("x-api-key"), "dev-roosted-key")
        XCTAssertNil(request.header("authorization"))
        XCTAssertEqual(bodyJSON(request), json(body))
    }

    func testGetAndListClients() async throws {
        let h = try Harness()
        defer { h.stop() }
        var ids: [String] = []
        for name in ["One", "Two", "Three"] {
            guard let created = success(await h.perform(action("roosted", "create_client", body: #"{"client_name": "\#(name)"}"#))),
                  let id = created.result[path: "id"]?.scalarText else { return }
            ids.append(id)
        }
        let got = await h.perform(action("roosted", "get_client", params: ["id": ids[1]]))
        XCTAssertEqual(success(got)?.result[path: "client_name"], .string("Two"))
        XCTAssertEqual(h.roosted.journal().last?.target, "/api/1_12/clients/\(ids[1])")
        XCTAssertEqual(h.roosted.journal().last?.method, "GET")

        let listed = await h.perform(action("roosted", "list_clients", params: ["items_per_page": "2", "page": "2"]))
        guard let (status, result, _) = success(listed) else { return }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(result, json(#"{"clients": [{"id": "\#(ids[2])", "client_name": "Three"}], "total": 3}"#))
        XCTAssertEqual(h.roosted.journal().last?.target, "/api/1_12/clients?items_per_page=2&page=2")
    }

    func testPathParametersAreEscaped() async throws {
        let h = try Harness()
        defer { h.stop() }
        let outcome = await h.perform(action("roosted", "get_client", params: ["id": "a b/c?d"]))
        guard let (status, error) = permanent(outcome) else { return }
        XCTAssertEqual(status, 404)
        XCTAssertTrue(error.contains("Client not found."), error)
        XCTAssertEqual(h.roosted.journal().first?.target, "/api/1_12/clients/a%20b%2Fc%3Fd")
    }

    func testALargeBodyIsNotHeldBack() async throws {
        let h = try Harness()
        defer { h.stop() }
        let body = #"{"client_name": "Big", "client_address": "\#(string(60_000))"}"#
        let (outcome, latency) = await h.performTimed(action("roosted", "create_client", body: body))
        XCTAssertEqual(success(outcome)?.status, 201)
        XCTAssertLessThan(latency, 800, "a large body must not wait for a 100-continue that never comes")
        XCTAssertEqual(h.roosted.journal().first.flatMap(bodyJSON), json(body))
    }
}
