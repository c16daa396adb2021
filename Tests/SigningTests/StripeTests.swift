import XCTest
import Signing

final class StripeTests: XCTestCase {
    let secret = "whsec_test_5a8f0c1d2e3b4a5f"
    let body = Array(#"{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event"}"#.utf8)
    let t: Int64 = 1_700_000_000

    private func key() throws -> [UInt8] { try SignatureScheme.stripe.key(fromSecret: secret) }

    /// The expected tag built here from the documented recipe, not through the module's
    /// Stripe code: HMAC-SHA256 keyed with the full secret over "t.body", in hex.
    private func independentSignature(timestamp: Int64) -> String {
        let content = Array("\(timestamp).".utf8) + body
        return Hex.encode(HMACSHA256.authenticate(content, key: Array(secret.utf8)))
    }

    private func verify(_ value: String, now: Int64? = nil) throws -> Result<VerifiedDelivery, VerificationFailure> {
        TestSupport.verify(.stripe, keys: [try key()], headers: [("stripe-signature", value)], body: body, now: now ?? t)
    }

    func testIndependentlyComputedSignatureVerifies() throws {
        let value = "t=\(t),v1=\(independentSignature(timestamp: t))"
        XCTAssertEqual(try verify(value), .success(VerifiedDelivery(eventId: nil, timestamp: t)))
    }

    func testSignerMatchesTheIndependentComputation() throws {
        let headers = WebhookSigner.headers(scheme: .stripe, key: try key(), id: "ignored", timestamp: t, body: body)
        XCTAssertEqual(headers.count, 1)
        XCTAssertEqual(headers.first?.0, "stripe-signature")
        XCTAssertEqual(headers.first?.1, "t=\(t),v1=\(independentSignature(timestamp: t))")
    }

    func testKeyWithoutThePrefixDoesNotVerify() throws {
        // Stripe keys with the whole "whsec_..." string; base64-decoding it like Svix would be wrong.
        let stripped = Array(secret.dropFirst("whsec_".count).utf8)
        let result = TestSupport.verify(.stripe, keys: [stripped],
                                        headers: [("stripe-signature", "t=\(t),v1=\(independentSignature(timestamp: t))")],
                                        body: body, now: t)
        XCTAssertEqual(result, .failure(.signatureMismatch))
    }

    func testOnlyTheLastOfSeveralSignaturesMatches() throws {
        let decoys = [1, 2].map { "v1=" + Hex.encode(TestSupport.decoyTag($0)) }
        let value = (["t=\(t)"] + decoys + ["v1=\(independentSignature(timestamp: t))"]).joined(separator: ",")
        XCTAssertNoThrow(try verify(value).get())
    }

    func testUppercaseHexAndSpacesAreAccepted() throws {
        let value = "t=\(t), v1=\(independentSignature(timestamp: t).uppercased())"
        XCTAssertNoThrow(try verify(value).get())
    }

    func testV0AndUnknownKeysAreIgnored() throws {
        let good = independentSignature(timestamp: t)
        XCTAssertNoThrow(try verify("t=\(t),v0=\(good),x=1,v1=\(good)").get())
        XCTAssertEqual(try verify("t=\(t),v0=\(good)"), .failure(.malformedHeader("stripe-signature")),
                       "a v0 entry alone is not a v1 signature")
    }

    func testTimestampIsPartOfTheSignedContent() throws {
        let value = "t=\(t + 1),v1=\(independentSignature(timestamp: t))"
        XCTAssertEqual(try verify(value), .failure(.signatureMismatch))
    }

    func testMalformedHeaders() throws {
        let good = independentSignature(timestamp: t)
        let cases = [
            "v1=\(good)",                            // no timestamp
            "t=,v1=\(good)",
            "t=abc,v1=\(good)",
            "t=99999999999999999999,v1=\(good)",
            "t=-5,v1=\(good)",
            "t=\(t)",                                // no signature
            "t=\(t),v1=",
            "t=\(t),v1=\(good.dropLast())",          // odd length hex
            "t=\(t),v1=\(good.dropLast(2))",         // 31 bytes
            "t=\(t),v1=\(String(good.dropLast(2)))zz",
            ",,,,",
        ]
        for value in cases {
            XCTAssertEqual(try verify(value), .failure(.malformedHeader("stripe-signature")), value)
        }
    }

    func testToleranceUsesTheHeaderTimestamp() throws {
        let value = "t=\(t),v1=\(independentSignature(timestamp: t))"
        XCTAssertEqual(try verify(value, now: t + 301), .failure(.timestampOutOfTolerance(skew: 301)))
        XCTAssertEqual(try verify(value, now: t - 301), .failure(.timestampOutOfTolerance(skew: -301)))
    }
}
