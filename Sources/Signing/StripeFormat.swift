/// Stripe: `stripe-signature: t=<unix>,v1=<hex>[,v1=<hex>...]` over `{t}.{body}`.
enum StripeFormat {
    static let signatureHeader = "stripe-signature"

    private static let timestampKey = "t="
    private static let signatureKey = "v1="

    static func content(timestamp: String, body: [UInt8]) -> [[UInt8]] {
        [Array("\(timestamp).".utf8), body]
    }

    static func headerValue(timestamp: Int64, tag: [UInt8]) -> String {
        "\(timestampKey)\(timestamp),\(signatureKey)\(Hex.encode(tag))"
    }

    static func claim(header: (String) -> HeaderField, body: [UInt8]) throws(VerificationFailure) -> SignedClaim {
        let value = try HeaderValues.required(signatureHeader, in: header)
        let entries = HeaderValues.entries(of: value, separator: ",")
        guard let timestampEntry = entries.first(where: { $0.hasPrefix(timestampKey) }),
              let seconds = HeaderValues.unixSeconds(timestampEntry.dropFirst(timestampKey.count))
        else { throw .malformedHeader(signatureHeader) }
        // v0 (test-mode legacy) and any future keys are skipped, as Stripe's own
        // libraries do.
        let tags = try HeaderValues.tags(from: entries, header: signatureHeader) { entry in
            entry.hasPrefix(signatureKey) ? Hex.decode(entry.dropFirst(signatureKey.count).utf8) : nil
        }
        let timestampText = String(timestampEntry.dropFirst(timestampKey.count))
        return SignedClaim(
            content: content(timestamp: timestampText, body: body),
            signatures: tags, timestamp: seconds, eventId: nil)
    }
}
