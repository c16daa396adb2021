import XCTest
import Signing

/// GitHub, anchored on the example in GitHub's "validating webhook deliveries" guide.
final class GitHubTests: XCTestCase {
    let secret = "It's a Secret to Everybody"
    let body = Array("Hello, World!".utf8)
    let documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"

    private func verify(_ headers: [(String, String)], body: [UInt8]? = nil) throws -> Result<VerifiedDelivery, VerificationFailure> {
        TestSupport.verify(.github, keys: [try SignatureScheme.github.key(fromSecret: secret)],
                           headers: headers, body: body ?? self.body)
    }

    func testDocumentedDeliveryVerifies() throws {
        let result = try verify([("x-hub-signature-256", documented), ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")])
        // The delivery id is not signed: the body (all GitHub signs) comes with it, hashed.
        XCTAssertEqual(result, .success(VerifiedDelivery(eventId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", timestamp: nil,
                                                         signedContentDigest: SHA256Digest.hash(body))))
    }

    func testSignerReproducesTheDocumentedSignature() throws {
        let headers = WebhookSigner.headers(scheme: .github, key: try SignatureScheme.github.key(fromSecret: secret),
                                            id: "delivery-1", timestamp: 0, body: body)
        XCTAssertEqual(headers.map(\.0), ["x-hub-signature-256", "x-github-delivery"])
        XCTAssertEqual(headers.map(\.1), [documented, "delivery-1"])
    }

    /// The delivery id sits outside the signature: sent twice, which one is the id would be a
    /// guess, so the delivery is refused (as a repeated signature header is).
    func testRepeatedHeadersAreRefused() throws {
        let verifier = SignatureVerifier(scheme: .github, keys: [try SignatureScheme.github.key(fromSecret: secret)])
        func verify(repeating name: String) -> Result<VerifiedDelivery, VerificationFailure> {
            verifier.verify(fields: { asked in
                switch asked {
                case name: return .repeated
                case "x-hub-signature-256": return .value(self.documented)
                case "x-github-delivery": return .value("72d3162e-cc78-11e3-81ab-4c9367dc0958")
                default: return .absent
                }
            }, body: body, now: TestSupport.now)
        }
        XCTAssertEqual(verify(repeating: "x-github-delivery"), .failure(.repeatedHeader("x-github-delivery")))
        XCTAssertEqual(verify(repeating: "x-hub-signature-256"), .failure(.repeatedHeader("x-hub-signature-256")))
        XCTAssertEqual(verify(repeating: "x-other"), .success(VerifiedDelivery(
            eventId: "72d3162e-cc78-11e3-81ab-4c9367dc0958", timestamp: nil, signedContentDigest: SHA256Digest.hash(body))))
    }

    func testTamperedBodyFails() throws {
        XCTAssertEqual(try verify([("x-hub-signature-256", documented)], body: Array("Hello, World?".utf8)),
                       .failure(.signatureMismatch))
    }

    func testOnlyTheLastOfSeveralSignaturesMatches() throws {
        // A repeated header reaches us folded into one comma-separated value.
        let value = "sha256=\(Hex.encode(TestSupport.decoyTag(1))), sha256=\(Hex.encode(TestSupport.decoyTag(2))), \(documented)"
        XCTAssertEqual(try verify([("x-hub-signature-256", value)]),
                       .success(VerifiedDelivery(eventId: nil, timestamp: nil, signedContentDigest: SHA256Digest.hash(body))))
    }

    func testThePrefixIsRequired() throws {
        let bare = String(documented.dropFirst("sha256=".count))
        XCTAssertEqual(try verify([("x-hub-signature-256", bare)]), .failure(.malformedHeader("x-hub-signature-256")))
        XCTAssertEqual(try verify([("x-hub-signature-256", "sha1=" + bare)]), .failure(.malformedHeader("x-hub-signature-256")))
    }

    func testTheSHA1HeaderIsNotAccepted() throws {
        XCTAssertEqual(try verify([("x-hub-signature", documented)]), .failure(.missingHeader("x-hub-signature-256")))
    }
}
