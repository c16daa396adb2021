import XCTest
import Signing

/// The behaviour every scheme must share, run against each one. Deliveries come from
/// WebhookSigner; the per-scheme test files check the signed bytes independently.
final class SchemeBatteryTests: XCTestCase {
    struct SchemeCase {
        let scheme: SignatureScheme
        /// Headers whose absence must fail with missingHeader.
        let requiredHeaders: [String]
        let idHeader: String?
        let signsTimestamp: Bool

        var label: String { "\(scheme.name) \(requiredHeaders)" }
    }

    static let cases: [SchemeCase] = [
        SchemeCase(scheme: .standardWebhooks,
                   requiredHeaders: ["webhook-id", "webhook-timestamp", "webhook-signature"],
                   idHeader: "webhook-id", signsTimestamp: true),
        SchemeCase(scheme: .svix,
                   requiredHeaders: ["svix-id", "svix-timestamp", "svix-signature"],
                   idHeader: "svix-id", signsTimestamp: true),
        SchemeCase(scheme: .stripe, requiredHeaders: ["stripe-signature"], idHeader: nil, signsTimestamp: true),
        SchemeCase(scheme: .github, requiredHeaders: ["x-hub-signature-256"],
                   idHeader: "x-github-delivery", signsTimestamp: false),
        SchemeCase(scheme: .shopify, requiredHeaders: ["x-shopify-hmac-sha256"],
                   idHeader: "x-shopify-webhook-id", signsTimestamp: false),
        SchemeCase(scheme: .slack, requiredHeaders: ["x-slack-request-timestamp", "x-slack-signature"],
                   idHeader: nil, signsTimestamp: true),
        SchemeCase(scheme: .generic(GenericHMAC(header: "X-Acme-Signature", encoding: .hex, prefix: "sha256=",
                                                timestampHeader: "X-Acme-Timestamp", idHeader: "X-Acme-Id")),
                   requiredHeaders: ["x-acme-timestamp", "x-acme-signature"],
                   idHeader: "x-acme-id", signsTimestamp: true),
        SchemeCase(scheme: .generic(GenericHMAC(header: "x-signature", encoding: .base64)),
                   requiredHeaders: ["x-signature"], idHeader: nil, signsTimestamp: false),
    ]

    let key = Array("first key, the one the sender uses".utf8)
    let otherKey = Array("some other key entirely".utf8)
    let body = Array(#"{"id":"evt_1","type":"thing.happened"}"#.utf8)
    let now = TestSupport.now

    private func signed(_ schemeCase: SchemeCase, at timestamp: Int64? = nil, key: [UInt8]? = nil) -> [(String, String)] {
        WebhookSigner.headers(scheme: schemeCase.scheme, key: key ?? self.key, id: "msg_42",
                              timestamp: timestamp ?? now, body: body)
    }

    func testValidDeliveryPassesWithItsIdAndTimestamp() {
        for schemeCase in Self.cases {
            let result = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase), body: body)
            // Only the Standard Webhooks family signs its id (the id is part of the signed content).
            let signsID = [.standardWebhooks, .svix].contains(schemeCase.scheme)
            let hasID = schemeCase.idHeader != nil
            // An unsigned id comes with the digest of what is signed: the body, after the timestamp if one is signed.
            let content = schemeCase.signsTimestamp ? Array("\(now).".utf8) + body : body
            let expected = VerifiedDelivery(eventId: hasID ? "msg_42" : nil,
                                            timestamp: schemeCase.signsTimestamp ? now : nil,
                                            signedContentDigest: hasID && !signsID ? SHA256Digest.hash(content) : nil)
            XCTAssertEqual(result, .success(expected), schemeCase.label)
        }
    }

    func testSignerEmitsExactlyTheExpectedHeaders() {
        for schemeCase in Self.cases {
            let names = Set(signed(schemeCase).map(\.0))
            let expected = Set(schemeCase.requiredHeaders + [schemeCase.idHeader].compactMap { $0 })
            XCTAssertEqual(names, expected, schemeCase.label)
        }
    }

    func testTamperedBodyFails() {
        var tampered = body
        tampered[5] ^= 0x01
        for schemeCase in Self.cases {
            let result = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase), body: tampered)
            XCTAssertEqual(result, .failure(.signatureMismatch), schemeCase.label)
            let truncated = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase),
                                               body: Array(body.dropLast()))
            XCTAssertEqual(truncated, .failure(.signatureMismatch), schemeCase.label)
        }
    }

    func testWrongKeyFails() {
        for schemeCase in Self.cases {
            let result = TestSupport.verify(schemeCase.scheme, keys: [otherKey], headers: signed(schemeCase), body: body)
            XCTAssertEqual(result, .failure(.signatureMismatch), schemeCase.label)
        }
    }

    func testRotationAcceptsAnyConfiguredKey() {
        for schemeCase in Self.cases {
            let result = TestSupport.verify(schemeCase.scheme, keys: [otherKey, key], headers: signed(schemeCase), body: body)
            XCTAssertNoThrow(try result.get(), schemeCase.label)
            let newKeySigned = signed(schemeCase, key: otherKey)
            let resultNew = TestSupport.verify(schemeCase.scheme, keys: [key, otherKey], headers: newKeySigned, body: body)
            XCTAssertNoThrow(try resultNew.get(), schemeCase.label)
        }
    }

    func testStaleAndFutureTimestampsFail() {
        for schemeCase in Self.cases where schemeCase.signsTimestamp {
            let stale = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase, at: now - 301), body: body)
            XCTAssertEqual(stale, .failure(.timestampOutOfTolerance(skew: 301)), schemeCase.label)
            let future = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase, at: now + 301), body: body)
            XCTAssertEqual(future, .failure(.timestampOutOfTolerance(skew: -301)), schemeCase.label)
            let veryStale = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase, at: 0), body: body)
            XCTAssertEqual(veryStale, .failure(.timestampOutOfTolerance(skew: now)), schemeCase.label)
        }
    }

    func testTimestampsAtTheToleranceEdgePass() {
        for schemeCase in Self.cases where schemeCase.signsTimestamp {
            for offset: Int64 in [-300, 300] {
                let result = TestSupport.verify(schemeCase.scheme, keys: [key],
                                                headers: signed(schemeCase, at: now + offset), body: body)
                XCTAssertNoThrow(try result.get(), "\(schemeCase.label) offset \(offset)")
            }
            let tight = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase, at: now - 11),
                                           body: body, tolerance: 10)
            XCTAssertEqual(tight, .failure(.timestampOutOfTolerance(skew: 11)), schemeCase.label)
        }
    }

    func testSchemesWithoutTimestampIgnoreTime() {
        for schemeCase in Self.cases where !schemeCase.signsTimestamp {
            let result = TestSupport.verify(schemeCase.scheme, keys: [key], headers: signed(schemeCase, at: 0),
                                            body: body, now: now + 86_400 * 365)
            XCTAssertNoThrow(try result.get(), schemeCase.label)
        }
    }

    func testMissingRequiredHeaderIsReportedByName() {
        for schemeCase in Self.cases {
            for name in schemeCase.requiredHeaders {
                let headers = TestSupport.replacing(name, with: nil, in: signed(schemeCase))
                let result = TestSupport.verify(schemeCase.scheme, keys: [key], headers: headers, body: body)
                XCTAssertEqual(result, .failure(.missingHeader(name)), "\(schemeCase.label) without \(name)")
            }
        }
    }

    func testBlankRequiredHeaderIsMalformed() {
        for schemeCase in Self.cases {
            for name in schemeCase.requiredHeaders {
                for blank in ["", "   "] {
                    let headers = TestSupport.replacing(name, with: blank, in: signed(schemeCase))
                    let result = TestSupport.verify(schemeCase.scheme, keys: [key], headers: headers, body: body)
                    XCTAssertEqual(result, .failure(.malformedHeader(name)), "\(schemeCase.label) blank \(name)")
                }
            }
        }
    }

    func testGarbageSignatureHeaderIsMalformed() {
        for schemeCase in Self.cases {
            let signatureHeader = schemeCase.requiredHeaders.last!
            for garbage in ["%%%%", "v1,", "t=", "sha256=zz", String(repeating: "A", count: 10_000)] {
                let headers = TestSupport.replacing(signatureHeader, with: garbage, in: signed(schemeCase))
                let result = TestSupport.verify(schemeCase.scheme, keys: [key], headers: headers, body: body)
                XCTAssertEqual(result, .failure(.malformedHeader(signatureHeader)), "\(schemeCase.label) \(garbage.prefix(12))")
            }
        }
    }

    func testMissingIdIsNotAnErrorWhenIdIsOptional() {
        for schemeCase in Self.cases {
            guard let idHeader = schemeCase.idHeader, !schemeCase.requiredHeaders.contains(idHeader) else { continue }
            let headers = TestSupport.replacing(idHeader, with: nil, in: signed(schemeCase))
            let result = TestSupport.verify(schemeCase.scheme, keys: [key], headers: headers, body: body)
            XCTAssertEqual(try result.get().eventId, nil, schemeCase.label)
        }
    }

    func testNoKeysFailsBeforeAnythingElse() {
        for schemeCase in Self.cases {
            XCTAssertEqual(TestSupport.verify(schemeCase.scheme, keys: [], headers: signed(schemeCase), body: body),
                           .failure(.noKeys), schemeCase.label)
            XCTAssertEqual(TestSupport.verify(schemeCase.scheme, keys: [], headers: [], body: body),
                           .failure(.noKeys), schemeCase.label)
        }
    }
}
