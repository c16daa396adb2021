import Connectors
import Foundation
import Routing
import Simulators
import XCTest

final class YunoJunoTests: XCTestCase {
    static let invite = #"{"email": "jane@example.com", "first_name": "Jane", "last_name": "Doe", "custom_fields": [{"name": "team", "value": "design"}]}"#

    func testInviteFetchesATokenThenSendsTheBodyWithIt() async throws {
        let h = try Harness()
        defer { h.stop() }
        let outcome = await h.perform(action("yunojuno", "invite_contact", body: Self.invite))
        guard let (status, result, note) = success(outcome) else { return }
        XCTAssertEqual(status, 201)
        XCTAssertNil(note)
        XCTAssertTrue(result[path: "client_contact_id"]?.scalarText?.hasPrefix("clct_") == true, "\(result)")
        XCTAssertTrue(result[path: "freelancer_id"]?.scalarText?.hasPrefix("fp_") == true, "\(result)")
        XCTAssertNil(result[path: "url"], "results keep ids only")

        let journal = h.yunojuno.journal()
        XCTAssertEqual(journal.map(\.method), ["POST", "POST"])
        XCTAssertEqual(journal.map(\.target), ["/oauth/token", "/client_contacts/"])
        let tokenRequest = journal[0]
        let basic = Data("dev-yunojuno-client:dev-yunojuno-secret".utf8).base64EncodedString()
        XCTAssertEqual(tokenRequest.header("authorization"), "Basic \(basic)")
        XCTAssertEqual(tokenRequest.header("content-type"), "application/x-www-form-urlencoded")
        XCTAssertEqual(tokenRequest.bodyText, "grant_type=client_credentials")
        let invite = journal[1]
        XCTAssertTrue(invite.header("authorization")?.hasPrefix("Bearer yjsim_") == true)
        XCTAssertEqual(invite.header("content-type"), "application/json")
        XCTAssertEqual(bodyJSON(invite), json(Self.invite))
        XCTAssertEqual(invite.status, 201)
    }

    func testUpdateCustomFieldsPostsToTheContactsPath() async throws {
        let h = try Harness()
        defer { h.stop() }
        guard let invited = success(await h.perform(action("yunojuno", "invite_contact", body: Self.invite))),
              let id = invited.result[path: "client_contact_id"]?.scalarText else { return }
        let body = #"{"custom_fields": [{"name": "team", "value": "product"}, {"name": "level", "value": 3}]}"#
        let outcome = await h.perform(action("yunojuno", "update_custom_fields", params: ["client_contact_id": id], body: body))
        guard let (status, result, _) = success(outcome) else { return }
        XCTAssertEqual(status, 200)
        XCTAssertEqual(result[path: "client_contact_id"]?.scalarText, id)
        let update = try XCTUnwrap(h.yunojuno.journal().last)
        XCTAssertEqual(update.method, "POST")
        XCTAssertEqual(update.target, "/client_contacts/\(id)/custom_fields/")
        XCTAssertEqual(bodyJSON(update), json(body))
        let contacts = records(try await h.state(h.yunojuno), "client_contacts")
        XCTAssertEqual(contacts.first?[path: "custom_fields.0.value"], .string("product"))
        XCTAssertEqual(contacts.first?[path: "custom_fields.1.value"], .int(3))
    }

    func testOneTokenServesSeveralCalls() async throws {
        let h = try Harness()
        defer { h.stop() }
        for n in 1...3 {
            let body = #"{"email": "p\#(n)@example.com", "first_name": "P", "last_name": "Q"}"#
            _ = success(await h.perform(action("yunojuno", "invite_contact", body: body)))
        }
        let targets = h.yunojuno.journal().map(\.target)
        XCTAssertEqual(targets.filter { $0 == "/oauth/token" }.count, 1, "\(targets)")
        XCTAssertEqual(targets.filter { $0 == "/client_contacts/" }.count, 3)
        let tokens = Set(h.yunojuno.journal().dropFirst().compactMap { $0.header("authorization") })
        XCTAssertEqual(tokens.count, 1)
    }

    func testTokenIsRefreshedWhenItExpires() async throws {
        var credentials = SimulatorCredentials.development
        credentials.yunojunoTokenLifetimeSeconds = 2
        let h = try Harness(credentials: credentials)
        defer { h.stop() }
        _ = success(await h.perform(action("yunojuno", "invite_contact", body: #"{"email": "a@example.com", "first_name": "A", "last_name": "A"}"#)))
        _ = success(await h.perform(action("yunojuno", "invite_contact", body: #"{"email": "b@example.com", "first_name": "B", "last_name": "B"}"#)))
        XCTAssertEqual(h.yunojuno.journal().filter { $0.target == "/oauth/token" }.count, 1)
        try await Task.sleep(for: .milliseconds(2100))
        _ = success(await h.perform(action("yunojuno", "invite_contact", body: #"{"email": "c@example.com", "first_name": "C", "last_name": "C"}"#)))
        let journal = h.yunojuno.journal()
        XCTAssertEqual(journal.map(\.target), ["/oauth/token", "/client_contacts/", "/client_contacts/", "/oauth/token", "/client_contacts/"])
        XCTAssertTrue(journal.allSatisfy { $0.status == 200 || $0.status == 201 }, "no call was made with a dead token")
    }

    func testA401FetchesANewTokenOnceAndRetriesOnce() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.yunojuno.faults.add(.status(401), method: "POST", pathPrefix: "/client_contacts/")
        let outcome = await h.perform(action("yunojuno", "invite_contact", body: Self.invite))
        XCTAssertEqual(success(outcome)?.status, 201)
        let journal = h.yunojuno.journal()
        XCTAssertEqual(journal.map(\.target), ["/oauth/token", "/client_contacts/", "/oauth/token", "/client_contacts/"])
        XCTAssertEqual(journal.map(\.status), [200, 401, 200, 201])
        XCTAssertNotEqual(journal[1].header("authorization"), journal[3].header("authorization"), "the retry carries the new token")
    }

    func testASecond401IsPermanentAndNotRetriedAgain() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.yunojuno.faults.add(.status(401), times: 5, method: "POST", pathPrefix: "/client_contacts/")
        let outcome = await h.perform(action("yunojuno", "invite_contact", body: Self.invite))
        guard let (status, error) = permanent(outcome) else { return }
        XCTAssertEqual(status, 401)
        XCTAssertTrue(error.hasPrefix("yunojuno invite_contact: YunoJuno refused the credentials (HTTP 401)"), error)
        XCTAssertEqual(h.yunojuno.journal().map(\.target), ["/oauth/token", "/client_contacts/", "/oauth/token", "/client_contacts/"])
    }

    func testRejectedClientCredentialsArePermanentAndSendNothingElse() async throws {
        let secret = "not-the-secret-4f9a"
        let h = try Harness(yunojunoSecret: secret)
        defer { h.stop() }
        let outcome = await h.perform(action("yunojuno", "invite_contact", body: Self.invite))
        guard let (status, error) = permanent(outcome) else { return }
        XCTAssertEqual(status, 401)
        XCTAssertTrue(error.contains("YunoJuno rejected the client credentials"), error)
        XCTAssertFalse(error.contains(secret), "secrets never appear in outcomes")
        XCTAssertEqual(h.yunojuno.journal().map(\.target), ["/oauth/token"])
    }

    func testTokenEndpointOutageIsRetryable() async throws {
        let h = try Harness()
        defer { h.stop() }
        h.yunojuno.faults.add(.status(503), pathPrefix: "/oauth/token")
        let outcome = await h.perform(action("yunojuno", "invite_contact", body: Self.invite))
        guard let (status, error, _) = retryable(outcome) else { return }
        XCTAssertEqual(status, 503)
        XCTAssertTrue(error.contains("token request: HTTP 503"), error)
        XCTAssertEqual(h.yunojuno.journal().map(\.target), ["/oauth/token"])
        // The failure is not cached: the next attempt fetches again and goes through.
        let next = await h.perform(action("yunojuno", "invite_contact", body: Self.invite))
        XCTAssertEqual(success(next)?.status, 201)
    }

    func testConcurrentCallersShareOneTokenFetch() async throws {
        let h = try Harness(concurrency: 4)
        defer { h.stop() }
        h.yunojuno.faults.add(.delay(milliseconds: 300), pathPrefix: "/oauth/token")
        let outcomes = await withTaskGroup(of: ActionOutcome.self) { group in
            for n in 1...4 {
                group.addTask {
                    await h.perform(action("yunojuno", "invite_contact", body: #"{"email": "c\#(n)@example.com", "first_name": "C", "last_name": "D"}"#))
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        XCTAssertEqual(outcomes.count, 4)
        for outcome in outcomes { XCTAssertEqual(success(outcome)?.status, 201) }
        let targets = h.yunojuno.journal().map(\.target)
        XCTAssertEqual(targets.filter { $0 == "/oauth/token" }.count, 1, "\(targets)")
        XCTAssertEqual(targets.filter { $0 == "/client_contacts/" }.count, 4)
    }
}
