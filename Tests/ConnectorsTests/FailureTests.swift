import Connectors
import Foundation
import Routing
import Simulators
import XCTest

final class FailureTests: XCTestCase {
    func testServiceUnavailableIsRetryable() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.growcrm.faults.add(.status(503))
        let outcome = await h.perform(action("growcrm", "get_contact", params: ["id": "2"]))
        guard let (status, error, retryAfter) = retryable(outcome) else { return }
        XCTAssertEqual(status, 503)
        XCTAssertEqual(error, "growcrm get_contact: HTTP 503: Service Unavailable")
        XCTAssertNil(retryAfter)
    }

    /// An error answer that echoes the request's credential: the key is taken out of the
    /// outcome's text, which goes on to the log, /status and subscribers' notifications.
    func testAnErrorEchoingTheCredentialIsRedacted() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.roosted.faults.add(.status(401, body: #"{"message": "Invalid API key dev-roosted-key for this account"}"#))
        let outcome = await h.perform(action("roosted", "create_client", body: #"{"client_name": "Echo"}"#))
        guard case .permanent(_, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertFalse(error.contains("dev-roosted-key"), error)
        XCTAssertTrue(error.contains("Invalid API key [redacted] for this account"), error)
        h.growcrm.faults.add(.status(500, body: #"{"message": "bad token Bearer dev-growcrm-key"}"#))
        let second = await h.perform(action("growcrm", "get_contact", params: ["id": "2"]))
        guard case .retryable(_, let text, _) = second else { return XCTFail("\(second)") }
        XCTAssertFalse(text.contains("dev-growcrm-key"), text)
    }

    func testTooManyRequestsSurfacesRetryAfter() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.luminous.faults.add(.tooManyRequests(retryAfterSeconds: 7))
        let outcome = await h.perform(action("luminous", "create_contact", body: #"{"first_name": "A", "company_id": 1}"#))
        guard let (status, error, retryAfter) = retryable(outcome) else { return }
        XCTAssertEqual(status, 429)
        XCTAssertEqual(retryAfter, 7)
        XCTAssertTrue(error.contains("Too Many Attempts."), error)
        let contacts = records(try await h.state(h.luminous), "contacts")
        XCTAssertEqual(contacts.count, 0)
    }

    func testAnAnswerSlowerThanTheTimeoutIsRetryable() async throws {
        let h = try Harness(timeoutSeconds: 0.5)
        defer { h.stop() }
        h.roosted.faults.add(.delay(milliseconds: 1500))
        let (outcome, latency) = await h.performTimed(action("roosted", "create_client", body: #"{"client_name": "Slow"}"#))
        guard let (status, error, retryAfter) = retryable(outcome) else { return }
        XCTAssertNil(status)
        XCTAssertNil(retryAfter)
        XCTAssertTrue(error.hasPrefix("roosted create_client: timed out after 0.5 s"), error)
        XCTAssertGreaterThanOrEqual(latency, 450)
        XCTAssertLessThan(latency, 1200, "the timeout is the endpoint's, not URLSession's whole seconds")
    }

    func testADroppedConnectionIsRetryable() async throws {
        let h = try Harness(timeoutSeconds: 1.5)
        defer { h.stop() }
        h.growcrm.faults.add(.drop)
        let outcome = await h.perform(action("growcrm", "create_contact", body: GrowCRMTests.jane))
        guard let (status, _, _) = retryable(outcome) else { return }
        XCTAssertNil(status)
        XCTAssertEqual(h.growcrm.journal().count, 1)
        let users = records(try await h.state(h.growcrm), "users")
        XCTAssertEqual(users.count, 3, "a drop performs nothing")
    }

    func testARefusedConnectionIsRetryable() async throws {
        let connectors = ConnectorSet(settings: ConnectorSettings(
            growcrm: APIEndpoint(baseURL: "http://127.0.0.1:1/api", timeoutSeconds: 2, auth: .bearer(token: "t"))))
        let outcome = await withCheckedContinuation { continuation in
            connectors.perform(action("growcrm", "get_contact", params: ["id": "1"]), mode: .fresh) { outcome, _ in
                continuation.resume(returning: outcome)
            }
        }
        XCTAssertEqual(outcome, .retryable(status: nil, error: "growcrm get_contact: could not connect (connection refused)", retryAfterSeconds: nil))
    }

    func testBadRequestKeepsTheAPIMessage() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.roosted.faults.add(.status(400, body: #"{"message": "client_name contains forbidden characters."}"#))
        let outcome = await h.perform(action("roosted", "create_client", body: #"{"client_name": "X"}"#))
        XCTAssertEqual(outcome, .permanent(status: 400, error: "roosted create_client: HTTP 400: client_name contains forbidden characters."))
    }

    func testNotFoundKeepsTheAPIMessage() async throws {
        let h = try Harness()
        defer { h.stop() }
        let outcome = await h.perform(action("growcrm", "get_contact", params: ["id": "999"]))
        XCTAssertEqual(outcome, .permanent(status: 404, error: "growcrm get_contact: HTTP 404: Contact not found."))
    }

    func testConflictKeepsTheAPIMessage() async throws {
        let h = try Harness()
        defer { h.stop() }
        let outcome = await h.perform(action("growcrm", "set_account_owner", params: ["id": "1"]))
        XCTAssertEqual(outcome, .permanent(status: 409, error: "growcrm set_account_owner: HTTP 409: The contact does not belong to a client account."))
    }

    func testUnprocessableKeepsTheFieldErrors() async throws {
        let h = try Harness()
        defer { h.stop() }
        let outcome = await h.perform(action("luminous", "create_contact", body: #"{"first_name": "A", "company_id": 99}"#))
        XCTAssertEqual(outcome, .permanent(status: 422, error: "luminous create_contact: HTTP 422: The given data was invalid. (company_id: The selected company id is invalid.)"))
    }

    func testYunoJunoValidationErrorsAreKept() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.yunojuno.faults.add(.status(400, body: #"{"email": ["Enter a valid email address."], "first_name": ["This field is required."]}"#),
                              pathPrefix: "/client_contacts/")
        let outcome = await h.perform(action("yunojuno", "invite_contact", body: YunoJunoTests.invite))
        XCTAssertEqual(outcome, .permanent(status: 400, error: "yunojuno invite_contact: HTTP 400: email: Enter a valid email address.; first_name: This field is required."))
    }
}
