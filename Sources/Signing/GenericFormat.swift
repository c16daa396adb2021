/// A `GenericHMAC` configuration (GitHub and Shopify are presets of it): the body,
/// or `{timestamp}.{body}` when a timestamp header is configured.
struct GenericFormat {
    let config: GenericHMAC

    // The caller looks headers up by lowercase name, but configs are typed by hand.
    var signatureHeader: String { config.header.lowercased() }
    var timestampHeader: String? { config.timestampHeader?.lowercased() }
    var idHeader: String? { config.idHeader?.lowercased() }

    static func content(timestamp: String?, body: [UInt8]) -> [[UInt8]] {
        guard let timestamp else { return [body] }
        return [Array("\(timestamp).".utf8), body]
    }

    func headerValue(tag: [UInt8]) -> String {
        (config.prefix ?? "") + config.encoding.encode(tag)
    }

    func claim(header: (String) -> HeaderField, body: [UInt8]) throws(VerificationFailure) -> SignedClaim {
        var timestamp: (text: String, seconds: Int64)?
        if let timestampHeader {
            timestamp = try HeaderValues.timestamp(timestampHeader, in: header)
        }
        let value = try HeaderValues.required(signatureHeader, in: header)
        let prefix = config.prefix ?? ""
        let encoding = config.encoding
        // Several signatures may come in one header, comma-separated. (A header sent twice
        // is refused, not joined.)
        let tags = try HeaderValues.tags(
            from: HeaderValues.entries(of: value, separator: ","), header: signatureHeader
        ) { entry in
            entry.hasPrefix(prefix) ? encoding.decode(entry.dropFirst(prefix.count)) : nil
        }
        return SignedClaim(
            content: Self.content(timestamp: timestamp?.text, body: body),
            signatures: tags,
            timestamp: timestamp?.seconds,
            eventId: try idHeader.flatMap { (name) throws(VerificationFailure) in try HeaderValues.optional(name, in: header) },
            idHeaderIsUnsigned: idHeader != nil)
    }
}
