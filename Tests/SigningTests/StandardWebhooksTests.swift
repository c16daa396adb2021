import XCTest
import Signing

/// Standard Webhooks and Svix, anchored on the example in Svix's documentation.
final class StandardWebhooksTests: XCTestCase {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let id = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    let timestamp: Int64 = 1_614_265_330
    let body = Array(#"{"test": 2432232314}"#.utf8)
    let documented = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    private func key() throws -> [UInt8] { try SignatureScheme.svix.key(fromSecret: secret) }

    private func svixHeaders(signature: String, timestamp: String? = nil) -> [(String, String)] {
        [("svix-id", id), ("svix-timestamp", timestamp ?? String(self.timestamp)), ("svix-signature", signature)]
    }

    func testSignerReproducesTheDocumentedSignature() throws {
        XCTAssertEqual(WebhookSigner.standardWebhooksSignature(id: id, timestamp: timestamp, body: body, key: try key()),
                       documented)
        let headers = WebhookSigner.headers(scheme: .svix, key: try key(), id: id, timestamp: timestamp, body: body)
        XCTAssertEqual(headers.map(\.0), ["svix-id", "svix-timestamp", "svix-signature"])
        XCTAssertEqual(headers.map(\.1), [id, "1614265330", documented])
        let standard = WebhookSigner.headers(scheme: .standardWebhooks, key: try key(), id: id, timestamp: timestamp, body: body)
        XCTAssertEqual(standard.map(\.0), ["webhook-id", "webhook-timestamp", "webhook-signature"])
        XCTAssertEqual(standard.map(\.1), [id, "1614265330", documented])
    }

    func testDocumentedDeliveryVerifiesAsSvix() throws {
        let result = TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: documented),
                                        body: body, now: timestamp + 10)
        XCTAssertEqual(result, .success(VerifiedDelivery(eventId: id, timestamp: timestamp)))
    }

    func testDocumentedDeliveryVerifiesAsStandardWebhooks() throws {
        let key = try SignatureScheme.standardWebhooks.key(fromSecret: secret)
        let headers = [("webhook-id", id), ("webhook-timestamp", "1614265330"), ("webhook-signature", documented)]
        let result = TestSupport.verify(.standardWebhooks, keys: [key], headers: headers, body: body, now: timestamp)
        XCTAssertEqual(result, .success(VerifiedDelivery(eventId: id, timestamp: timestamp)))
        // The same headers under the other prefix are not this scheme's.
        XCTAssertEqual(TestSupport.verify(.svix, keys: [key], headers: headers, body: body, now: timestamp),
                       .failure(.missingHeader("svix-id")))
    }

    func testSignedContentCoversTheId() throws {
        var headers = svixHeaders(signature: documented)
        headers[0].1 = "msg_somethingElse"
        XCTAssertEqual(TestSupport.verify(.svix, keys: [try key()], headers: headers, body: body, now: timestamp),
                       .failure(.signatureMismatch))
    }

    func testSignedContentUsesTheTimestampTextAsSent() throws {
        // Same number, different text: the sender did not sign "01614265330".
        let result = TestSupport.verify(.svix, keys: [try key()],
                                        headers: svixHeaders(signature: documented, timestamp: "01614265330"),
                                        body: body, now: timestamp)
        XCTAssertEqual(result, .failure(.signatureMismatch))
    }

    func testOnlyTheLastOfSeveralSignaturesMatches() throws {
        let decoys = [1, 2, 3].map { "v1," + Base64.encode(TestSupport.decoyTag($0)) }
        let list = (decoys + [documented]).joined(separator: " ")
        let result = TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: list),
                                        body: body, now: timestamp)
        XCTAssertEqual(result, .success(VerifiedDelivery(eventId: id, timestamp: timestamp)))
    }

    func testOtherVersionTagsAreIgnored() throws {
        let sameTagOtherVersion = "v1a," + documented.dropFirst(3)
        let list = "v2,abc \(sameTagOtherVersion) \(documented)"
        XCTAssertNoThrow(try TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: list),
                                                body: body, now: timestamp).get())
        // A matching tag under the wrong version label must not count.
        XCTAssertEqual(TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: sameTagOtherVersion),
                                          body: body, now: timestamp),
                       .failure(.malformedHeader("svix-signature")))
    }

    func testSignatureEntriesBeyondTheCapAreNotTried() throws {
        let decoys = (0..<15).map { "v1," + Base64.encode(TestSupport.decoyTag(UInt8($0))) }
        let sixteenth = (decoys + [documented]).joined(separator: " ")
        XCTAssertNoThrow(try TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: sixteenth),
                                                body: body, now: timestamp).get())
        let seventeenth = (decoys + ["v1," + Base64.encode(TestSupport.decoyTag(99)), documented]).joined(separator: " ")
        XCTAssertEqual(TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: seventeenth),
                                          body: body, now: timestamp),
                       .failure(.signatureMismatch))
        let flood = Array(repeating: "v1,AAAA", count: 100_000).joined(separator: " ") + " " + documented
        XCTAssertEqual(TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: flood),
                                          body: body, now: timestamp),
                       .failure(.malformedHeader("svix-signature")))
    }

    func testMalformedSignaturesAreRejected() throws {
        let cases = [
            "v1,not*base64",
            "v1," + documented.dropFirst(3).dropLast(),        // broken padding
            "v1," + Base64.encode([UInt8](repeating: 7, count: 16)),  // wrong length
            "v1 " + documented.dropFirst(3),
        ]
        for signature in cases {
            XCTAssertEqual(TestSupport.verify(.svix, keys: [try key()], headers: svixHeaders(signature: signature),
                                              body: body, now: timestamp),
                           .failure(.malformedHeader("svix-signature")), signature)
        }
    }

    func testAbsurdTimestampsAreMalformedNotFatal() throws {
        for text in ["99999999999999999999", "9223372036854775808", "-1614265330", "+1614265330",
                     "1614265330.5", "1.6e9", "now", "0x60383af2"] {
            XCTAssertEqual(TestSupport.verify(.svix, keys: [try key()],
                                              headers: svixHeaders(signature: documented, timestamp: text),
                                              body: body, now: timestamp),
                           .failure(.malformedHeader("svix-timestamp")), text)
        }
        // The largest Int64 parses, and is simply far in the future.
        let largest = TestSupport.verify(.svix, keys: [try key()],
                                         headers: svixHeaders(signature: documented, timestamp: "9223372036854775807"),
                                         body: body, now: timestamp)
        XCTAssertEqual(largest, .failure(.timestampOutOfTolerance(skew: timestamp - .max)))
    }
}
