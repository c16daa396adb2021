import Foundation
import Gateway
import Routing
import Simulators
import Signing
import TestSupport
import XCTest

/// A verified event, through the repo's route files, to real HTTP calls on the simulators.
final class ActionFlowTests: XCTestCase {
    let ada = #"{"email":"Ada.Lovelace@Example.com","first_name":" Ada ","last_name":"Lovelace","phone":"+44 20 7946 0018","is_primary":false}"#

    func testContactCreatedReachesGrowCRMAndLuminousWithTheRightBodiesAndAuth() throws {
        let h = try ActionHarness()
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy { $0.status == .succeeded } }, "\(h.jobs().map { ($0.rule, $0.status, $0.lastError) })")
        let crm = h.fleet.growcrm.journal().filter { $0.method == "POST" && $0.path == "/api/contacts" }
        XCTAssertEqual(crm.count, 1)
        XCTAssertEqual(crm.first?.header("authorization"), "Bearer dev-growcrm-key")
        let crmBody = try JSONValue.parse(crm.first?.body ?? [])
        XCTAssertEqual(crmBody[path: "email"], .string("ada.lovelace@example.com"))
        XCTAssertEqual(crmBody[path: "first_name"], .string("Ada"))
        XCTAssertEqual(crmBody[path: "clientid"], .int(1))
        XCTAssertEqual(crmBody[path: "send_email"], .string("no"))
        let lum = h.fleet.luminous.journal().filter { $0.method == "POST" && $0.path == "/external/api/v1/contacts" }
        XCTAssertEqual(lum.count, 1)
        XCTAssertEqual(lum.first?.header("authorization"), "Bearer dev-luminous-token")
        XCTAssertEqual(try JSONValue.parse(lum.first?.body ?? [])[path: "tags"], .array([.string("yunojuno")]))
        let crmJob = try XCTUnwrap(h.jobs().first { $0.rule == "contact-to-growcrm" })
        XCTAssertNotNil(crmJob.results["crm-contact"]?[path: "id"], "the Grow CRM id is kept for later actions")
    }

    func testPrimaryContactChainUsesTheIdReturnedByTheFirstAction() throws {
        let h = try ActionHarness()
        try h.start()
        let primary = #"{"email":"grace@example.com","first_name":"Grace","last_name":"Hopper","is_primary":true}"#
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", primary, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy(\.isFinished) })
        let owner = h.fleet.growcrm.journal().filter { $0.method == "PUT" && $0.path.hasSuffix("/account-owner") }
        XCTAssertEqual(owner.count, 1)
        let chain = try XCTUnwrap(h.jobs().first { $0.rule == "primary-contact-owns-crm-account" })
        XCTAssertEqual(chain.status, .succeeded, chain.lastError ?? "")
        let id = try XCTUnwrap(chain.results["crm-contact"]?[path: "id"]?.scalarText)
        XCTAssertEqual(owner.first?.path, "/api/contacts/\(id)/account-owner")
        XCTAssertEqual(h.fleet.luminous.journal().count, 0, "test-mode events skip Luminous by the route's condition")
    }

    func testRetriesAfter503sThenSucceeds() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(503), times: 2, method: "POST", pathPrefix: "/contacts")
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded })
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.map(\.status), [503, 503, 201])
    }

    /// A 504 is a proxy that gave up while the API may still be creating the record: the
    /// next attempt looks it up only once the request has settled (three timeouts after it
    /// started, 6 s here), not at the schedule's 0.1 s, when the look-up could miss it.
    func testAGatewayTimeoutWaitsForTheRequestToSettleBeforeTheLookUp() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(504), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [0.1, 0.1])
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually(15) { h.jobs().first?.status == .succeeded }, "\(h.jobs().map { ($0.status, $0.lastError) })")
        let journal = h.fleet.growcrm.journal()
        let refused = try XCTUnwrap(journal.first { $0.status == 504 })
        let next = try XCTUnwrap(journal.first { $0.receivedAt > refused.receivedAt }, "no request after the 504")
        XCTAssertGreaterThanOrEqual(next.receivedAt.timeIntervalSince(refused.receivedAt), 5.5, "\(next.method) \(next.target)")
    }

    func testRetryAfterFrom429IsHonoured() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.tooManyRequests(retryAfterSeconds: 1), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded })
        let posts = h.fleet.growcrm.journal().filter { $0.method == "POST" }
        XCTAssertEqual(posts.map(\.status), [429, 201])
        XCTAssertGreaterThanOrEqual(posts[1].receivedAt.timeIntervalSince(posts[0].receivedAt), 0.95, "the 0.2 s schedule overrode Retry-After: 1")
    }

    func testMissingRequiredValueFailsPermanentlyWithoutCallingTheAPI() throws {
        let h = try ActionHarness()
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", #"{"email":"x@example.com","last_name":"NoFirst"}"#, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.isFinished == true })
        let job = try XCTUnwrap(h.jobs().first)
        XCTAssertEqual(job.status, .failed)
        let error = job.lastError ?? ""
        for part in ["yunojuno", "contact-to-growcrm", "crm-contact", "first_name", "data.object.first_name"] {
            XCTAssertTrue(error.contains(part), "error should name \(part): \(error)")
        }
        XCTAssertEqual(h.fleet.growcrm.journal().count, 0)
    }

    func testDuplicateEmailInGrowCRMIsRecordedAsAlreadyPresent() throws {
        let h = try ActionHarness()
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, id: "msg_a", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 1 && h.jobs()[0].isFinished })
        let firstID = h.jobs()[0].results["crm-contact"]?[path: "id"]
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, id: "msg_b", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 2 && h.jobs().allSatisfy(\.isFinished) })
        let second = try XCTUnwrap(h.jobs().first { $0.eventID == "msg_b" })
        XCTAssertEqual(second.status, .succeeded, second.lastError ?? "")
        XCTAssertEqual(second.results["crm-contact"]?[path: "id"], firstID)
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.map(\.status), [201, 422])
    }

    func testRestartInTheMiddleOfARetryScheduleResumesIt() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(503), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [1.5, 1.5])
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.attempts == 1 && h.jobs().first?.status == .pending })
        h.stop()
        XCTAssertEqual(h.fleet.growcrm.journal().count, 1)
        try h.start(schedule: [1.5, 1.5])
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded })
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.map(\.status), [503, 201])
    }

    func testExhaustedRetriesBecomeDeadLetters() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(500), times: 10, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [0.1, 0.1])
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.isFinished == true })
        XCTAssertEqual(h.jobs().first?.status, .dead)
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "POST" }.count, 3, "one attempt plus the two retries of the schedule")
        // A 500 may come after the API applied the create: each retry looks the contact up first.
        XCTAssertEqual(h.fleet.growcrm.journal().filter { $0.method == "GET" }.count, 2)
    }

    func testSignupFormInvitesToYunoJunoWithAnOAuthToken() throws {
        let h = try ActionHarness()
        try h.start()
        let body = Array(#"{"kind":"signup","submission":{"email":"Grace@Example.com","name":"Grace Hopper","skills":"cobol"}}"#.utf8)
        let ts = Int64(Date().timeIntervalSince1970)
        let mac = HMACSHA256.authenticate(Array("\(ts).".utf8) + body, key: Array(ActionHarness.formSecret.utf8))
        let client = try RawClient(port: h.port)
        let headers = [("X-Signup-Signature", "sha256=" + Hex.encode(mac)), ("X-Signup-Timestamp", "\(ts)"), ("X-Signup-Id", "form-1")]
        XCTAssertEqual(client.request("POST", "/webhooks/signup-form", headers: headers, body: body)?.status, 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded }, "\(h.jobs().map(\.lastError))")
        let journal = h.fleet.yunojuno.journal()
        XCTAssertEqual(journal.map(\.path), ["/oauth/token", "/client_contacts/"])
        XCTAssertTrue(journal[1].header("authorization")?.hasPrefix("Bearer ") ?? false)
        let invite = try JSONValue.parse(journal[1].body)
        XCTAssertEqual(invite[path: "email"], .string("grace@example.com"))
        XCTAssertEqual(invite[path: "first_name"], .string("Grace"))
        XCTAssertEqual(invite[path: "last_name"], .string("Hopper"))
    }

    func testJobsWithTheSameKeyRunInArrivalOrder() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.delay(milliseconds: 500), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start()
        let first = #"{"email":"same@example.com","first_name":"First","last_name":"One"}"#
        let second = #"{"email":"SAME@example.com","first_name":"Second","last_name":"Two"}"#
        let other = #"{"email":"other@example.com","first_name":"Other","last_name":"Three"}"#
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", first, id: "msg_1", mode: "test"), 200)
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", second, id: "msg_2", mode: "test"), 200)
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", other, id: "msg_3", mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().count == 3 && h.jobs().allSatisfy(\.isFinished) })
        let posts = h.fleet.growcrm.journal().filter { $0.method == "POST" }
        let names = posts.map { (try? JSONValue.parse($0.body))?[path: "first_name"]?.scalarText ?? "?" }
        XCTAssertEqual(names.firstIndex(of: "First").map { $0 < names.firstIndex(of: "Second")! }, true, "\(names)")
        let firstAt = try XCTUnwrap(posts.first { $0.bodyText.contains("First") }?.receivedAt)
        let secondAt = try XCTUnwrap(posts.first { $0.bodyText.contains("Second") }?.receivedAt)
        let otherAt = try XCTUnwrap(posts.first { $0.bodyText.contains("Other") }?.receivedAt)
        XCTAssertGreaterThanOrEqual(secondAt.timeIntervalSince(firstAt), 0.45, "the second job for the same key did not wait for the first")
        XCTAssertLessThan(otherAt.timeIntervalSince(firstAt), 0.4, "a different key was held up behind the slow one")
    }
}
