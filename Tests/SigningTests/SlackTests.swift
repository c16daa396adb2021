import XCTest
import Signing

final class SlackTests: XCTestCase {
    let secret = "8f742231b10e8888abcd99yyyzzz85a5"
    let body = Array("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather&text=94070".utf8)
    let timestamp: Int64 = 1_531_420_618

    /// Built from Slack's documented recipe, not the module's Slack code.
    private func independentSignature(timestamp: Int64) -> String {
        let base = Array("v0:\(timestamp):".utf8) + body
        return "v0=" + Hex.encode(HMACSHA256.authenticate(base, key: Array(secret.utf8)))
    }

    private func verify(signature: String, timestamp: String? = nil, now: Int64? = nil) throws -> Result<VerifiedDelivery, VerificationFailure> {
        TestSupport.verify(.slack, keys: [try SignatureScheme.slack.key(fromSecret: secret)],
                           headers: [("x-slack-signature", signature),
                                     ("x-slack-request-timestamp", timestamp ?? String(self.timestamp))],
                           body: body, now: now ?? self.timestamp + 5)
    }

    func testIndependentlyComputedSignatureVerifies() throws {
        XCTAssertEqual(try verify(signature: independentSignature(timestamp: timestamp)),
                       .success(VerifiedDelivery(eventId: nil, timestamp: timestamp)))
    }

    func testSignerMatchesTheIndependentComputation() throws {
        let headers = WebhookSigner.headers(scheme: .slack, key: Array(secret.utf8), id: "unused", timestamp: timestamp, body: body)
        XCTAssertEqual(headers.map(\.0), ["x-slack-request-timestamp", "x-slack-signature"])
        XCTAssertEqual(headers.map(\.1), [String(timestamp), independentSignature(timestamp: timestamp)])
    }

    func testTimestampIsSignedAndChecked() throws {
        let signature = independentSignature(timestamp: timestamp)
        XCTAssertEqual(try verify(signature: signature, timestamp: String(timestamp + 1)), .failure(.signatureMismatch))
        XCTAssertEqual(try verify(signature: signature, now: timestamp + 600),
                       .failure(.timestampOutOfTolerance(skew: 600)))
        XCTAssertEqual(try verify(signature: signature, timestamp: "99999999999999999999"),
                       .failure(.malformedHeader("x-slack-request-timestamp")))
    }

    func testOnlyTheLastOfSeveralSignaturesMatches() throws {
        let value = ["v0=" + Hex.encode(TestSupport.decoyTag(1)), "v0=" + Hex.encode(TestSupport.decoyTag(2)),
                     independentSignature(timestamp: timestamp)].joined(separator: ",")
        XCTAssertNoThrow(try verify(signature: value).get())
    }

    func testOtherVersionsAreIgnored() throws {
        let good = independentSignature(timestamp: timestamp)
        let relabelled = "v1=" + good.dropFirst(3)
        XCTAssertEqual(try verify(signature: relabelled), .failure(.malformedHeader("x-slack-signature")))
        XCTAssertNoThrow(try verify(signature: relabelled + "," + good).get())
    }
}
