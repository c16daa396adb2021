import Foundation
import XCTest
import Signing

final class SignatureSchemeTests: XCTestCase {
    let generic = GenericHMAC(header: "X-Signature", encoding: .base64, prefix: "sha256=",
                              timestampHeader: "X-Timestamp", idHeader: "X-Id")

    func testNamesRoundTrip() {
        let schemes: [SignatureScheme] = [.standardWebhooks, .svix, .stripe, .github, .shopify, .slack, .generic(generic)]
        XCTAssertEqual(schemes.map(\.name), ["standard-webhooks", "svix", "stripe", "github", "shopify", "slack", "hmac"])
        XCTAssertEqual(SignatureScheme.names, schemes.map(\.name))
        for scheme in schemes {
            XCTAssertEqual(SignatureScheme(name: scheme.name, generic: generic), scheme, scheme.name)
        }
    }

    func testParsingNames() {
        XCTAssertEqual(SignatureScheme(name: "Stripe"), .stripe)
        XCTAssertEqual(SignatureScheme(name: "github", generic: generic), .github)
        XCTAssertNil(SignatureScheme(name: "hmac"), "hmac needs its configuration")
        XCTAssertNil(SignatureScheme(name: "md5"))
        XCTAssertNil(SignatureScheme(name: ""))
    }

    func testSignsTimestamp() {
        XCTAssertTrue(SignatureScheme.standardWebhooks.signsTimestamp)
        XCTAssertTrue(SignatureScheme.svix.signsTimestamp)
        XCTAssertTrue(SignatureScheme.stripe.signsTimestamp)
        XCTAssertTrue(SignatureScheme.slack.signsTimestamp)
        XCTAssertFalse(SignatureScheme.github.signsTimestamp)
        XCTAssertFalse(SignatureScheme.shopify.signsTimestamp)
        XCTAssertTrue(SignatureScheme.generic(generic).signsTimestamp)
        XCTAssertFalse(SignatureScheme.generic(GenericHMAC(header: "x-sig")).signsTimestamp)
    }

    func testGenericConfigCodable() throws {
        let json = #"{"header":"X-Sig","encoding":"base64","prefix":"sha256=","timestampHeader":"X-Ts"}"#
        let decoded = try JSONDecoder().decode(GenericHMAC.self, from: Data(json.utf8))
        XCTAssertEqual(decoded, GenericHMAC(header: "X-Sig", encoding: .base64, prefix: "sha256=", timestampHeader: "X-Ts"))
        XCTAssertNil(decoded.idHeader)

        let roundTripped = try JSONDecoder().decode(GenericHMAC.self, from: JSONEncoder().encode(generic))
        XCTAssertEqual(roundTripped, generic)
        let encodedHex = try JSONEncoder().encode(GenericHMAC(header: "h", encoding: .hex))
        XCTAssertTrue(String(decoding: encodedHex, as: UTF8.self).contains(#""encoding":"hex""#))

        let bad = #"{"header":"X-Sig","encoding":"rot13"}"#
        XCTAssertThrowsError(try JSONDecoder().decode(GenericHMAC.self, from: Data(bad.utf8)))
    }

    func testStandardWebhooksAndSvixKeysAreTheDecodedBase64() throws {
        let expected = try XCTUnwrap(Base64.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        XCTAssertEqual(expected.count, 24)
        for scheme in [SignatureScheme.standardWebhooks, .svix] {
            XCTAssertEqual(try scheme.key(fromSecret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), expected)
            XCTAssertEqual(try scheme.key(fromSecret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), expected,
                           "the prefix is optional")
        }
    }

    func testStandardWebhooksSecretErrors() {
        for secret in ["whsec_", ""] {
            XCTAssertThrowsError(try SignatureScheme.svix.key(fromSecret: secret)) { error in
                XCTAssertEqual(error as? SecretError, .empty, secret)
            }
        }
        XCTAssertThrowsError(try SignatureScheme.standardWebhooks.key(fromSecret: "whsec_s3cr3t!value")) { error in
            XCTAssertEqual(error as? SecretError, .notBase64)
            XCTAssertFalse(String(describing: error).contains("s3cr3t"), "errors must not echo the secret")
            XCTAssertFalse(String(reflecting: error).contains("s3cr3t"))
        }
    }

    func testStripeKeepsTheWholeSecret() throws {
        XCTAssertEqual(try SignatureScheme.stripe.key(fromSecret: "whsec_abc"), Array("whsec_abc".utf8))
    }

    func testOtherSchemesUseUTF8Bytes() throws {
        let secret = "It's a Secret to Everybody"
        for scheme in [SignatureScheme.github, .shopify, .slack, .generic(generic)] {
            XCTAssertEqual(try scheme.key(fromSecret: secret), Array(secret.utf8), scheme.name)
            XCTAssertThrowsError(try scheme.key(fromSecret: ""), scheme.name) { error in
                XCTAssertEqual(error as? SecretError, .empty)
            }
        }
    }
}
