/// Standard Webhooks, and Svix which is the same convention under `svix-` headers:
/// `{id}.{timestamp}.{body}` signed, tags sent as space-separated `v1,<base64>`.
struct StandardWebhooksFormat {
    let idHeader: String
    let timestampHeader: String
    let signatureHeader: String

    static let standard = StandardWebhooksFormat(headerPrefix: "webhook-")
    static let svix = StandardWebhooksFormat(headerPrefix: "svix-")

    private static let versionTag = "v1,"

    private init(headerPrefix: String) {
        idHeader = headerPrefix + "id"
        timestampHeader = headerPrefix + "timestamp"
        signatureHeader = headerPrefix + "signature"
    }

    static func content(id: String, timestamp: String, body: [UInt8]) -> [[UInt8]] {
        // `"\(id).\(timestamp)."` as bytes, without building the string first.
        var prefix: [UInt8] = []
        prefix.reserveCapacity(id.utf8.count + timestamp.utf8.count + 2)
        prefix.append(contentsOf: id.utf8)
        prefix.append(UInt8(ascii: "."))
        prefix.append(contentsOf: timestamp.utf8)
        prefix.append(UInt8(ascii: "."))
        return [prefix, body]
    }

    static func signatureEntry(tag: [UInt8]) -> String {
        versionTag + Base64.encode(tag)
    }

    func claim(header: (String) -> HeaderField, body: [UInt8]) throws(VerificationFailure) -> SignedClaim {
        let id = try HeaderValues.required(idHeader, in: header)
        let timestamp = try HeaderValues.timestamp(timestampHeader, in: header)
        let list = try HeaderValues.required(signatureHeader, in: header)
        // Other version tags (v1a, future asymmetric schemes) are skipped, not errors,
        // so a sender can add them alongside v1 without breaking us.
        let tags = try HeaderValues.tags(
            from: HeaderValues.entries(of: list, separator: " "), header: signatureHeader
        ) { entry in
            // Compared as bytes: the tag is ASCII, and Character comparison cost more than decoding.
            entry.utf8.starts(with: Self.versionTag.utf8)
                ? Base64.decode(entry.utf8.dropFirst(Self.versionTag.utf8.count))
                : nil
        }
        return SignedClaim(
            content: Self.content(id: id, timestamp: timestamp.text, body: body),
            signatures: tags, timestamp: timestamp.seconds, eventId: id)
    }
}
