import XCTest
import Signing

final class GenericHMACTests: XCTestCase {
    let key = Array("generic-secret".utf8)
    let body = Array(#"{"event":"invoice.paid"}"#.utf8)
    let now = TestSupport.now

    func testBodyOnlyHexWithoutPrefix() {
        let scheme = SignatureScheme.generic(GenericHMAC(header: "X-Signature"))
        let expected = Hex.encode(HMACSHA256.authenticate(body, key: key))
        XCTAssertEqual(TestSupport.verify(scheme, keys: [key], headers: [("x-signature", expected)], body: body),
                       .success(VerifiedDelivery(eventId: nil, timestamp: nil)))
        XCTAssertEqual(WebhookSigner.headers(scheme: scheme, key: key, id: "x", timestamp: now, body: body).map(\.1),
                       [expected])
    }

    func testTimestampedContentIsTimestampDotBody() {
        let config = GenericHMAC(header: "X-Sig", encoding: .base64, prefix: "hmac ",
                                 timestampHeader: "X-Sig-Time", idHeader: "X-Event")
        let expected = "hmac " + Base64.encode(HMACSHA256.authenticate(Array("\(now).".utf8) + body, key: key))
        let headers = [("x-sig", expected), ("x-sig-time", String(now)), ("x-event", "ev_9")]
        XCTAssertEqual(TestSupport.verify(.generic(config), keys: [key], headers: headers, body: body),
                       .success(VerifiedDelivery(eventId: "ev_9", timestamp: now,
                                                 signedContentDigest: SHA256Digest.hash(Array("\(now).".utf8) + body))))

        let signed = WebhookSigner.headers(scheme: .generic(config), key: key, id: "ev_9", timestamp: now, body: body)
        XCTAssertEqual(signed.map(\.0), ["x-sig", "x-sig-time", "x-event"])
        XCTAssertEqual(signed.map(\.1), [expected, String(now), "ev_9"])

        // Without the timestamp in the content the same tag must not pass.
        let bodyOnly = "hmac " + Base64.encode(HMACSHA256.authenticate(body, key: key))
        XCTAssertEqual(TestSupport.verify(.generic(config), keys: [key],
                                          headers: TestSupport.replacing("x-sig", with: bodyOnly, in: headers), body: body),
                       .failure(.signatureMismatch))
    }

    func testOnlyTheLastOfSeveralSignaturesMatches() {
        let config = GenericHMAC(header: "x-sig", encoding: .hex, prefix: "sha256=")
        let good = "sha256=" + Hex.encode(HMACSHA256.authenticate(body, key: key))
        let value = "sha256=\(Hex.encode(TestSupport.decoyTag(3))),sha256=\(Hex.encode(TestSupport.decoyTag(4))),\(good)"
        XCTAssertNoThrow(try TestSupport.verify(.generic(config), keys: [key], headers: [("x-sig", value)], body: body).get())
    }

    func testWrongEncodingOrPrefixIsMalformed() {
        let config = GenericHMAC(header: "x-sig", encoding: .hex, prefix: "sha256=")
        let tag = HMACSHA256.authenticate(body, key: key)
        for value in ["sha256=" + Base64.encode(tag), Hex.encode(tag), "SHA256=" + Hex.encode(tag)] {
            XCTAssertEqual(TestSupport.verify(.generic(config), keys: [key], headers: [("x-sig", value)], body: body),
                           .failure(.malformedHeader("x-sig")), value)
        }
    }
}
