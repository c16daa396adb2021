import XCTest
import Signing

final class VerifierBehaviourTests: XCTestCase {
    let key: [UInt8] = [0xde, 0xad, 0xbe, 0xef, 0x42, 0x17]
    let body = Array("{}".utf8)

    func testEmptyKeysAreDroppedSoTheyCannotBeForged() {
        // Anyone can compute an HMAC under the empty key.
        let forged = WebhookSigner.headers(scheme: .github, key: [], id: "d", timestamp: 0, body: body)
        XCTAssertEqual(TestSupport.verify(.github, keys: [[]], headers: forged, body: body), .failure(.noKeys))
        XCTAssertEqual(TestSupport.verify(.github, keys: [[], key], headers: forged, body: body), .failure(.signatureMismatch))
    }

    func testNegativeToleranceIsTreatedAsZero() {
        let now = TestSupport.now
        let headers = WebhookSigner.headers(scheme: .stripe, key: key, id: "", timestamp: now, body: body)
        XCTAssertEqual(SignatureVerifier(scheme: .stripe, keys: [key], tolerance: -5).tolerance, 0)
        XCTAssertNoThrow(try TestSupport.verify(.stripe, keys: [key], headers: headers, body: body, now: now, tolerance: -5).get())
        XCTAssertEqual(TestSupport.verify(.stripe, keys: [key], headers: headers, body: body, now: now + 1, tolerance: -5),
                       .failure(.timestampOutOfTolerance(skew: 1)))
    }

    func testExtremeClockValuesDoNotTrap() {
        let headers = WebhookSigner.headers(scheme: .svix, key: key, id: "m", timestamp: 1_000, body: body)
        XCTAssertEqual(TestSupport.verify(.svix, keys: [key], headers: headers, body: body, now: .min),
                       .failure(.timestampOutOfTolerance(skew: .min)))
        XCTAssertEqual(TestSupport.verify(.svix, keys: [key], headers: headers, body: body, now: .max),
                       .failure(.timestampOutOfTolerance(skew: .max - 1_000)))
        let future = VerificationFailure.timestampOutOfTolerance(skew: .min)
        XCTAssertTrue(future.reason.contains("future"))
    }

    func testReasonsNameTheProblemButNeverTheSecretOrExpectedTag() {
        let expectedTag = HMACSHA256.authenticate(Array("1700000000.".utf8) + body, key: key)
        let secretForms = [Hex.encode(key), Base64.encode(key), Hex.encode(expectedTag), Base64.encode(expectedTag)]
        let failures: [VerificationFailure] = [
            .missingHeader("stripe-signature"), .malformedHeader("webhook-signature"),
            .timestampOutOfTolerance(skew: 301), .timestampOutOfTolerance(skew: -301), .signatureMismatch, .noKeys,
        ]
        XCTAssertEqual(failures[0].reason, "missing header stripe-signature")
        XCTAssertEqual(failures[1].reason, "malformed header webhook-signature")
        XCTAssertTrue(failures[2].reason.contains("301s old"))
        XCTAssertTrue(failures[3].reason.contains("301s in the future"))
        XCTAssertEqual(Set(failures.map(\.reason)).count, failures.count, "each failure reads differently")
        for failure in failures {
            XCTAssertEqual(String(describing: failure), failure.reason)
            for form in secretForms {
                XCTAssertFalse(failure.reason.contains(form))
            }
        }
    }

    func testDescriptionsDoNotRevealKeys() {
        let verifier = SignatureVerifier(scheme: .shopify, keys: [key, key], tolerance: 60)
        var dumped = ""
        dump(verifier, to: &dumped)
        for text in [String(describing: verifier), String(reflecting: verifier), dumped] {
            XCTAssertTrue(text.contains("shopify"), text)
            XCTAssertFalse(text.contains("222"), text)   // 0xde as printed in an array
            XCTAssertFalse(text.contains("deadbeef"), text)
        }
        XCTAssertEqual(String(describing: verifier), "SignatureVerifier(scheme: shopify, keys: 2, tolerance: 60s)")
    }
}
