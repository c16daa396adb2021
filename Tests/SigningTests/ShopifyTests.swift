import XCTest
import Signing

final class ShopifyTests: XCTestCase {
    let secret = "shpss_0123456789abcdef"
    let body = Array(#"{"id":820982911946154508,"email":"jon@example.com"}"#.utf8)

    /// Built from the documented recipe, not the module's Shopify code: base64 of
    /// HMAC-SHA256 over the raw body, keyed with the secret's bytes.
    private var independentSignature: String {
        Base64.encode(HMACSHA256.authenticate(body, key: Array(secret.utf8)))
    }

    private func verify(_ headers: [(String, String)], body: [UInt8]? = nil) throws -> Result<VerifiedDelivery, VerificationFailure> {
        TestSupport.verify(.shopify, keys: [try SignatureScheme.shopify.key(fromSecret: secret)],
                           headers: headers, body: body ?? self.body)
    }

    func testIndependentlyComputedSignatureVerifies() throws {
        let result = try verify([("x-shopify-hmac-sha256", independentSignature), ("x-shopify-webhook-id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043")])
        XCTAssertEqual(result, .success(VerifiedDelivery(eventId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043", timestamp: nil,
                                                         signedContentDigest: SHA256Digest.hash(body))))
    }

    func testSignerMatchesTheIndependentComputation() throws {
        let headers = WebhookSigner.headers(scheme: .shopify, key: Array(secret.utf8), id: "wh-1", timestamp: 5, body: body)
        XCTAssertEqual(headers.map(\.0), ["x-shopify-hmac-sha256", "x-shopify-webhook-id"])
        XCTAssertEqual(headers.map(\.1), [independentSignature, "wh-1"])
    }

    func testHexInsteadOfBase64IsMalformed() throws {
        let hex = Hex.encode(HMACSHA256.authenticate(body, key: Array(secret.utf8)))
        XCTAssertEqual(try verify([("x-shopify-hmac-sha256", hex)]), .failure(.malformedHeader("x-shopify-hmac-sha256")))
    }

    func testOnlyTheLastOfSeveralSignaturesMatches() throws {
        let value = [Base64.encode(TestSupport.decoyTag(1)), Base64.encode(TestSupport.decoyTag(2)), independentSignature]
            .joined(separator: ",")
        XCTAssertNoThrow(try verify([("x-shopify-hmac-sha256", value)]).get())
    }

    func testBadBase64IsMalformed() throws {
        for value in ["!!!!", String(independentSignature.dropLast()), "====", independentSignature + "A"] {
            XCTAssertEqual(try verify([("x-shopify-hmac-sha256", value)]), .failure(.malformedHeader("x-shopify-hmac-sha256")), value)
        }
    }
}
