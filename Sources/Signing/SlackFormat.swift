/// Slack: `x-slack-signature: v0=<hex>` over `v0:{timestamp}:{body}`.
enum SlackFormat {
    static let signatureHeader = "x-slack-signature"
    static let timestampHeader = "x-slack-request-timestamp"

    private static let versionTag = "v0="

    static func content(timestamp: String, body: [UInt8]) -> [[UInt8]] {
        [Array("v0:\(timestamp):".utf8), body]
    }

    static func headerValue(tag: [UInt8]) -> String {
        versionTag + Hex.encode(tag)
    }

    static func claim(header: (String) -> HeaderField, body: [UInt8]) throws(VerificationFailure) -> SignedClaim {
        let timestamp = try HeaderValues.timestamp(timestampHeader, in: header)
        let value = try HeaderValues.required(signatureHeader, in: header)
        // Several signatures may come in one header, comma-separated. (A header sent twice
        // is refused, not joined.)
        let tags = try HeaderValues.tags(
            from: HeaderValues.entries(of: value, separator: ","), header: signatureHeader
        ) { entry in
            entry.hasPrefix(versionTag) ? Hex.decode(entry.dropFirst(versionTag.count).utf8) : nil
        }
        return SignedClaim(
            content: content(timestamp: timestamp.text, body: body),
            signatures: tags, timestamp: timestamp.seconds, eventId: nil)
    }
}
