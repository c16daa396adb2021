import Foundation
import XCTest
@testable import Simulators

final class YunoJunoTests: XCTestCase {
    private let invite = #"{"email":"Jane@Example.com","first_name":"Jane","last_name":"Doe","custom_fields":[{"name":"team","value":"ops"}]}"#

    func testTokenFromFormBodyWithBasicAuthentication() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let reply = h.fetchToken()
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.json["token_type"], "Bearer")
        XCTAssertEqual(reply.json["expires_in"], 3600)
        XCTAssertFalse(reply.json["access_token"]?.stringValue?.isEmpty ?? true)
        XCTAssertEqual(reply.headers["cache-control"], "no-store")
    }

    func testTokenFromJSONBodyCredentials() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let body = #"{"grant_type":"client_credentials","client_id":"dev-yunojuno-client","client_secret":"dev-yunojuno-secret"}"#
        let reply = h.raw("POST", "/oauth/token", body: Array(body.utf8), headers: [("Content-Type", "application/json")])
        XCTAssertEqual(reply.status, 200)
        XCTAssertNotNil(reply.json["access_token"]?.stringValue)
    }

    func testTokenFromFormBodyCredentials() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let body = "grant_type=client_credentials&client_id=dev-yunojuno-client&client_secret=dev-yunojuno-secret"
        let reply = h.raw("POST", "/oauth/token", body: Array(body.utf8), headers: [("Content-Type", "application/x-www-form-urlencoded")])
        XCTAssertEqual(reply.status, 200)
    }

    func testWrongClientIsInvalidClient() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let badSecret = h.fetchToken(secret: "wrong")
        XCTAssertEqual(badSecret.status, 401)
        XCTAssertEqual(badSecret.json, ["error": "invalid_client"])
        let badID = h.raw("POST", "/oauth/token", body: Array("grant_type=client_credentials&client_id=x&client_secret=dev-yunojuno-secret".utf8),
                          headers: [("Content-Type", "application/x-www-form-urlencoded")])
        XCTAssertEqual(badID.status, 401)
        XCTAssertEqual(badID.json["error"], "invalid_client")
    }

    func testOtherGrantTypesAreRefused() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let reply = h.raw("POST", "/oauth/token", body: Array("grant_type=password&client_id=dev-yunojuno-client&client_secret=dev-yunojuno-secret".utf8),
                          headers: [("Content-Type", "application/x-www-form-urlencoded")])
        XCTAssertEqual(reply.status, 400)
        XCTAssertEqual(reply.json["error"], "unsupported_grant_type")
        let missing = h.raw("POST", "/oauth/token", body: [], headers: [("Content-Type", "application/x-www-form-urlencoded")])
        XCTAssertEqual(missing.status, 400)
        XCTAssertEqual(missing.json["error"], "invalid_request")
    }

    func testAPICallsNeedALiveToken() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let none = h.call("POST", "/client_contacts/", json: invite, authenticated: false)
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.json["detail"], "Authentication credentials were not provided.")
        let unknown = h.call("POST", "/client_contacts/", json: invite, headers: [("Authorization", "Bearer made-up")], authenticated: false)
        XCTAssertEqual(unknown.status, 401)
        XCTAssertEqual(unknown.json["detail"], "Invalid token.")
        XCTAssertTrue(unknown.headers["www-authenticate"]?.contains("invalid_token") ?? false)
        // The client secret itself is not a bearer token.
        let secret = h.call("POST", "/client_contacts/", json: invite, headers: [("Authorization", "Bearer dev-yunojuno-secret")], authenticated: false)
        XCTAssertEqual(secret.status, 401)
        XCTAssertEqual(h.state()["client_contacts"]?.arrayValue?.count, 0)
    }

    func testTokensExpireAfterTheirLifetime() throws {
        let h = try Harness(.yunojuno, credentials: SimulatorCredentials(yunojunoTokenLifetimeSeconds: 1))
        defer { h.stop() }
        XCTAssertEqual(h.fetchToken().json["expires_in"], 1)
        XCTAssertEqual(h.call("POST", "/client_contacts/", json: invite).status, 201)
        Thread.sleep(forTimeInterval: 1.2)
        let expired = h.call("POST", "/client_contacts/", json: invite)
        XCTAssertEqual(expired.status, 401)
        XCTAssertEqual(expired.json["detail"], "Invalid token.")
        h.forgetToken()
        XCTAssertEqual(h.call("POST", "/client_contacts/", json: invite).status, 201)
    }

    func testInviteAnswersTheDocumentedShape() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let reply = h.call("POST", "/client_contacts/", json: invite)
        XCTAssertEqual(reply.status, 201)
        let data = try XCTUnwrap(reply.json["data"])
        XCTAssertTrue(data["client_contact_id"]?.stringValue?.hasPrefix("clct_") ?? false)
        XCTAssertTrue(data["freelancer_id"]?.stringValue?.hasPrefix("fp_") ?? false)
        XCTAssertEqual(data["custom_fields"], [["name": "team", "value": "ops", "metadata": nil]])
        XCTAssertNotNil(data["url"]?.stringValue)
        XCTAssertEqual(data.objectValue?.map(\.0), ["client_contact_id", "freelancer_id", "custom_fields", "url"])
    }

    func testInviteIsIdempotentByEmail() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let first = h.call("POST", "/client_contacts/", json: invite)
        let again = h.call("POST", "/client_contacts/", json: #"{"email":"jane@example.com","first_name":"J","last_name":"D"}"#)
        XCTAssertEqual(first.status, 201)
        XCTAssertEqual(again.status, 201)
        XCTAssertEqual(first.json["data"]?["client_contact_id"], again.json["data"]?["client_contact_id"])
        XCTAssertEqual(first.json["data"]?["freelancer_id"], again.json["data"]?["freelancer_id"])
        XCTAssertEqual(h.state()["client_contacts"]?.arrayValue?.count, 1)
        let other = h.call("POST", "/client_contacts/", json: #"{"email":"other@example.com","first_name":"O","last_name":"P"}"#)
        XCTAssertNotEqual(other.json["data"]?["client_contact_id"], first.json["data"]?["client_contact_id"])
        XCTAssertEqual(h.state()["client_contacts"]?.arrayValue?.count, 2)
    }

    func testInviteRequiredFields() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let reply = h.call("POST", "/client_contacts/", json: "{}")
        XCTAssertEqual(reply.status, 400)
        for field in ["email", "first_name", "last_name"] {
            XCTAssertEqual(messages(reply, field, under: nil), ["This field is required."], field)
        }
        let blank = h.call("POST", "/client_contacts/", json: #"{"email":"a@b.co","first_name":"  ","last_name":"x"}"#)
        XCTAssertEqual(messages(blank, "first_name", under: nil), ["This field may not be blank."])
    }

    func testInviteEmailFormatAndLengths() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let badEmail = h.call("POST", "/client_contacts/", json: #"{"email":"not-an-email","first_name":"a","last_name":"b"}"#)
        XCTAssertEqual(badEmail.status, 400)
        XCTAssertEqual(messages(badEmail, "email", under: nil), ["Enter a valid email address."])
        let long = h.call("POST", "/client_contacts/", json: #"{"email":"a@b.co","first_name":"\#(string(151))","last_name":"\#(string(151))","invite_message":"\#(string(1001))"}"#)
        XCTAssertEqual(long.status, 400)
        XCTAssertEqual(messages(long, "first_name", under: nil), ["Ensure this field has no more than 150 characters."])
        XCTAssertEqual(messages(long, "last_name", under: nil), ["Ensure this field has no more than 150 characters."])
        XCTAssertEqual(messages(long, "invite_message", under: nil), ["Ensure this field has no more than 1000 characters."])
        let atLimit = h.call("POST", "/client_contacts/", json: #"{"email":"a@b.co","first_name":"\#(string(150))","last_name":"b","invite_message":"\#(string(1000))","hirer":"hp_1"}"#)
        XCTAssertEqual(atLimit.status, 201)
    }

    func testInviteCustomFieldsMustBeAListOfNameValue() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let notList = h.call("POST", "/client_contacts/", json: #"{"email":"a@b.co","first_name":"a","last_name":"b","custom_fields":{"name":"x"}}"#)
        XCTAssertEqual(notList.status, 400)
        XCTAssertEqual(notList.json["custom_fields"]?["non_field_errors"]?[0], "Expected a list of items but got type \"dict\".")
        let noName = h.call("POST", "/client_contacts/", json: #"{"email":"a@b.co","first_name":"a","last_name":"b","custom_fields":[{"name":"ok","value":1},{"value":"v"}]}"#)
        XCTAssertEqual(noName.status, 400)
        XCTAssertEqual(noName.json["custom_fields"], [[:], ["name": ["This field is required."]]])
        XCTAssertEqual(h.state()["client_contacts"]?.arrayValue?.count, 0)
    }

    func testUpdateCustomFieldsMergesByName() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let id = try XCTUnwrap(h.call("POST", "/client_contacts/", json: invite).json["data"]?["client_contact_id"]?.stringValue)
        let reply = h.call("POST", "/client_contacts/\(id)/custom_fields/", json: #"{"custom_fields":[{"name":"team","value":"sales"},{"name":"level","value":"3"}]}"#)
        XCTAssertEqual(reply.status, 200)
        XCTAssertEqual(reply.json["data"]?["custom_fields"], [["name": "team", "value": "sales", "metadata": nil],
                                                              ["name": "level", "value": "3", "metadata": nil]])
        XCTAssertEqual(reply.json["data"]?["client_contact_id"]?.stringValue, id)
        let missing = h.call("POST", "/client_contacts/\(id)/custom_fields/", json: "{}")
        XCTAssertEqual(missing.status, 400)
        let unknown = h.call("POST", "/client_contacts/clct_nope/custom_fields/", json: #"{"custom_fields":[]}"#)
        XCTAssertEqual(unknown.status, 404)
        XCTAssertEqual(unknown.json, ["detail": "Not found."])
    }

    func testRoutingErrorsUseTheDetailShape() throws {
        let h = try Harness(.yunojuno)
        defer { h.stop() }
        let noSlash = h.call("POST", "/client_contacts", json: invite)
        XCTAssertEqual(noSlash.status, 404)
        XCTAssertEqual(noSlash.json["detail"], "Not found.")
        let wrongMethod = h.call("GET", "/client_contacts/")
        XCTAssertEqual(wrongMethod.status, 405)
        XCTAssertEqual(wrongMethod.json["detail"], "Method \"GET\" not allowed.")
        XCTAssertEqual(wrongMethod.headers["allow"], "POST")
        let badJSON = h.call("POST", "/client_contacts/", json: #"{"email": "#)
        XCTAssertEqual(badJSON.status, 400)
        XCTAssertTrue(badJSON.json["detail"]?.stringValue?.hasPrefix("JSON parse error") ?? false)
    }
}
