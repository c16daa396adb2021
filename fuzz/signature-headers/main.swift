// libFuzzer target: inbound signature verification (Sources/Signing).
//
// Input: text. Lines up to the first empty line are `name: value` headers; the rest is the
// body. Names starting with `@` configure instead: `@secret` (turned into a key by every
// scheme's `key(fromSecret:)` and, when valid, tried alongside the fixed key), `@now`,
// `@tolerance`, `@id` (for the signer round trip), and `@hmac-header`, `@hmac-encoding`,
// `@hmac-prefix`, `@hmac-timestamp`, `@hmac-id` (a generic scheme verified too). Every scheme
// verifies the delivery with the fixed keys (Svix's and GitHub's documented secrets) at a
// fixed now, or the `@` ones; then every known header is given the whole input as its value,
// and the input goes through `Base64.decode`, `Hex.decode` and every `key(fromSecret:)`.
// Nothing may trap, and:
//   - what a scheme's signer produces for the fuzzed id and body must verify, with that id;
//   - base64 and hex round-trip.
import Signing

/// `precondition` that keeps its message in an optimised build (the fuzz build is -O).
private func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Svix's documented example secret, and GitHub's.
private let svixSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
private let plainSecret = "It's a Secret to Everybody"
private let fixedNow: Int64 = 1_614_265_340

private let fixedGeneric = GenericHMAC(header: "x-signature", encoding: .hex, prefix: "sha256=",
                                       timestampHeader: "x-timestamp", idHeader: "x-delivery")

private let namedSchemes: [SignatureScheme] = [.standardWebhooks, .svix, .stripe, .github, .shopify, .slack, .generic(fixedGeneric)]

/// Every header name any scheme above reads.
private let knownHeaders = [
    "webhook-id", "webhook-timestamp", "webhook-signature", "svix-id", "svix-timestamp", "svix-signature",
    "stripe-signature", "x-hub-signature-256", "x-github-delivery", "x-shopify-hmac-sha256",
    "x-shopify-webhook-id", "x-slack-signature", "x-slack-request-timestamp",
    "x-signature", "x-timestamp", "x-delivery",
]

private func fixedKey(_ scheme: SignatureScheme) -> [UInt8] {
    switch scheme {
    case .standardWebhooks, .svix: return try! scheme.key(fromSecret: svixSecret)
    default: return try! scheme.key(fromSecret: plainSecret)
    }
}

private struct Delivery {
    var headers: [String: String] = [:]
    var settings: [String: String] = [:]
    var body: [UInt8] = []
}

private func parse(_ bytes: [UInt8]) -> Delivery {
    var delivery = Delivery()
    var lineStart = 0
    var i = 0
    while i <= bytes.count {
        if i == bytes.count || bytes[i] == 0x0A {
            let line = bytes[lineStart..<i]
            if line.isEmpty {
                delivery.body = i < bytes.count ? Array(bytes[(i + 1)...]) : []
                return delivery
            }
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: line[lineStart..<colon], as: UTF8.self).lowercased()
                var valueStart = colon + 1
                if valueStart < i && bytes[valueStart] == 0x20 { valueStart += 1 }
                let value = String(decoding: bytes[valueStart..<i], as: UTF8.self)
                if name.hasPrefix("@") { delivery.settings[name] = value } else { delivery.headers[name] = value }
            }
            lineStart = i + 1
        }
        i += 1
    }
    return delivery
}

private func genericScheme(_ settings: [String: String]) -> SignatureScheme? {
    guard let header = settings["@hmac-header"] else { return nil }
    let encoding = GenericHMAC.Encoding(rawValue: settings["@hmac-encoding"] ?? "hex") ?? .base64
    return SignatureScheme(name: "hmac", generic: GenericHMAC(
        header: header, encoding: encoding, prefix: settings["@hmac-prefix"],
        timestampHeader: settings["@hmac-timestamp"], idHeader: settings["@hmac-id"]))
}

private func verifyAll(_ schemes: [SignatureScheme], extraKeys: [Int: [UInt8]], header: (String) -> String?,
                       body: [UInt8], now: Int64, tolerance: Int64) {
    for (index, scheme) in schemes.enumerated() {
        var keys = [fixedKey(scheme)]
        if let extra = extraKeys[index] { keys.append(extra) }
        let verifier = SignatureVerifier(scheme: scheme, keys: keys, tolerance: tolerance)
        switch verifier.verify(header: header, body: body, now: now) {
        case .success(let delivery):
            if scheme.signsTimestamp {
                require(delivery.timestamp != nil, "\(scheme.name): verified without the timestamp it signs")
            }
        case .failure(let failure):
            _ = failure.reason
        }
    }
}

private func isPlainID(_ id: String) -> Bool {
    guard let first = id.unicodeScalars.first, let last = id.unicodeScalars.last else { return false }
    return first != " " && first != "\t" && last != " " && last != "\t"
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    let delivery = parse(bytes)
    let settings = delivery.settings

    // Secrets, as the configuration loader turns them into keys.
    var extraKeys: [Int: [UInt8]] = [:]
    var schemes = namedSchemes
    if let generic = genericScheme(settings) { schemes.append(generic) }
    for secret in [settings["@secret"], text].compactMap({ $0 }) {
        for (index, scheme) in schemes.enumerated() {
            switch Result(catching: { () throws(SecretError) -> [UInt8] in try scheme.key(fromSecret: secret) }) {
            case .success(let key):
                require(!key.isEmpty, "\(scheme.name): an empty key was accepted")
                if secret != text { extraKeys[index] = key }
            case .failure(let error):
                _ = error.description
            }
        }
    }

    let now = settings["@now"].flatMap { Int64($0) } ?? fixedNow
    let tolerance = settings["@tolerance"].flatMap { Int64($0) } ?? 300
    let headers = delivery.headers
    verifyAll(schemes, extraKeys: extraKeys, header: { headers[$0] }, body: delivery.body, now: now, tolerance: tolerance)
    // The whole input as the value of every header.
    verifyAll(schemes, extraKeys: [:], header: { _ in text }, body: bytes, now: fixedNow, tolerance: 300)

    // What a signer makes for this id and body verifies.
    let id = settings["@id"] ?? "msg_fuzz"
    if isPlainID(id) {
        for scheme in namedSchemes {
            let key = fixedKey(scheme)
            let signed = WebhookSigner.headers(scheme: scheme, key: key, id: id, timestamp: fixedNow, body: delivery.body)
            var table: [String: String] = [:]
            for (name, value) in signed { table[name] = value }
            let result = SignatureVerifier(scheme: scheme, keys: [key])
                .verify(header: { table[$0] }, body: delivery.body, now: fixedNow)
            guard case .success(let verified) = result else {
                fatalError("\(scheme.name): signed delivery refused: \(result)")
            }
            if table.keys.contains(where: { $0.hasSuffix("-id") || $0 == "x-github-delivery" || $0 == "x-shopify-webhook-id" || $0 == "x-delivery" }) {
                require(verified.eventId == id, "\(scheme.name): id \(id) came back as \(String(describing: verified.eventId))")
            }
        }
    }

    // Encodings.
    if let decoded = Base64.decode(text) {
        require(decoded.count == text.utf8.count / 4 * 3 - (text.hasSuffix("==") ? 2 : text.hasSuffix("=") ? 1 : 0),
                     "base64 decoded to the wrong length")
    }
    require(Base64.decode(Base64.encode(bytes)) == bytes, "base64 does not round-trip")
    if let decoded = Hex.decode(text) {
        require(Hex.encode(decoded) == text.lowercased(), "hex does not round-trip")
    }
    require(Hex.decode(Hex.encode(bytes)) == bytes, "hex does not round-trip")
    return 0
}
