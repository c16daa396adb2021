import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import XCTest
@testable import Simulators

final class FleetTests: XCTestCase {
    func testFleetStartsAllFourOnTheirOwnPorts() throws {
        let fleet = SimulatorFleet()
        let ports = try fleet.start()
        defer { fleet.shutdown() }
        XCTAssertEqual(Set(ports.keys), Set(SimulatedAPI.allCases))
        XCTAssertEqual(Set(ports.values).count, 4)
        XCTAssertEqual(fleet.baseURL(for: .yunojuno), "http://127.0.0.1:\(ports[.yunojuno]!)")
        XCTAssertEqual(fleet.baseURLs[.roosted], "http://127.0.0.1:\(ports[.roosted]!)/api/1_12")
        XCTAssertEqual(fleet.luminous.baseURL, "http://127.0.0.1:\(ports[.luminous]!)/external/api/v1")
        XCTAssertEqual(fleet[.growcrm].baseURL, "http://127.0.0.1:\(ports[.growcrm]!)/api")
        for api in SimulatedAPI.allCases {
            let reply = try XCTUnwrap(RawClient(port: ports[api]!).request("GET", "/_sim/state"))
            XCTAssertEqual(reply.status, 200)
            XCTAssertEqual((try JSONParser.parse(reply.body))["api"], .string(api.rawValue))
        }
    }

    func testShutdownStopsServingAndStartingTwiceIsRefused() throws {
        let simulator = APISimulator(api: .growcrm)
        let port = try simulator.start()
        XCTAssertEqual(simulator.port, port)
        XCTAssertThrowsError(try simulator.start()) { XCTAssertEqual($0 as? SimulatorError, .alreadyRunning(.growcrm)) }
        simulator.shutdown()
        XCTAssertNil(simulator.port)
        XCTAssertThrowsError(try RawClient(port: port))
    }

    func testAnOrdinaryHTTPClientCanDriveTheWholeYunoJunoFlow() async throws {
        let fleet = SimulatorFleet()
        try fleet.start()
        defer { fleet.shutdown() }
        let base = fleet.baseURL(for: .yunojuno)
        var tokenRequest = URLRequest(url: URL(string: base + "/oauth/token")!)
        tokenRequest.httpMethod = "POST"
        tokenRequest.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        tokenRequest.httpBody = Data("grant_type=client_credentials&client_id=dev-yunojuno-client&client_secret=dev-yunojuno-secret".utf8)
        let (tokenData, tokenResponse) = try await URLSession.shared.data(for: tokenRequest)
        XCTAssertEqual((tokenResponse as? HTTPURLResponse)?.statusCode, 200)
        let token = try XCTUnwrap(JSONParser.parse(Array(tokenData))["access_token"]?.stringValue)

        var invite = URLRequest(url: URL(string: base + "/client_contacts/")!)
        invite.httpMethod = "POST"
        invite.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        invite.setValue("application/json", forHTTPHeaderField: "Content-Type")
        invite.httpBody = Data(#"{"email":"kim@example.com","first_name":"Kim","last_name":"Lo"}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: invite)
        XCTAssertEqual((response as? HTTPURLResponse)?.statusCode, 201)
        XCTAssertNotNil(try JSONParser.parse(Array(data))["data"]?["client_contact_id"]?.stringValue)
    }
}
