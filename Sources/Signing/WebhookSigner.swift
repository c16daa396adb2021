/// Produces the headers a scheme's verifier expects, for outbound notifications,
/// test tools and benchmarks.
public enum WebhookSigner {
    /// The `webhook-signature` entry for a Standard Webhooks delivery: `v1,<base64>`.
    public static func standardWebhooksSignature(id: String, timestamp: Int64, body: [UInt8], key: [UInt8]) -> String {
        let tag = HMACSHA256.authenticate(
            parts: StandardWebhooksFormat.content(id: id, timestamp: String(timestamp), body: body), key: key)
        return StandardWebhooksFormat.signatureEntry(tag: tag)
    }

    /// Header names are lowercase. `id` is sent only by schemes that carry a
    /// delivery id (not Stripe or Slack, nor a generic scheme without `idHeader`);
    /// `timestamp` only by schemes that sign one.
    public static func headers(
        scheme: SignatureScheme, key: [UInt8], id: String, timestamp: Int64, body: [UInt8]
    ) -> [(String, String)] {
        let time = String(timestamp)
        switch scheme {
        case .standardWebhooks, .svix:
            let format = scheme == .svix ? StandardWebhooksFormat.svix : .standard
            return [
                (format.idHeader, id),
                (format.timestampHeader, time),
                (format.signatureHeader, standardWebhooksSignature(id: id, timestamp: timestamp, body: body, key: key)),
            ]
        case .stripe:
            let tag = HMACSHA256.authenticate(parts: StripeFormat.content(timestamp: time, body: body), key: key)
            return [(StripeFormat.signatureHeader, StripeFormat.headerValue(timestamp: timestamp, tag: tag))]
        case .slack:
            let tag = HMACSHA256.authenticate(parts: SlackFormat.content(timestamp: time, body: body), key: key)
            return [
                (SlackFormat.timestampHeader, time),
                (SlackFormat.signatureHeader, SlackFormat.headerValue(tag: tag)),
            ]
        case .github:
            return headers(format: GenericFormat(config: .gitHub), key: key, id: id, time: time, body: body)
        case .shopify:
            return headers(format: GenericFormat(config: .shopify), key: key, id: id, time: time, body: body)
        case .generic(let config):
            return headers(format: GenericFormat(config: config), key: key, id: id, time: time, body: body)
        }
    }

    private static func headers(
        format: GenericFormat, key: [UInt8], id: String, time: String, body: [UInt8]
    ) -> [(String, String)] {
        let signedTime = format.timestampHeader == nil ? nil : time
        let tag = HMACSHA256.authenticate(parts: GenericFormat.content(timestamp: signedTime, body: body), key: key)
        var headers = [(format.signatureHeader, format.headerValue(tag: tag))]
        if let timestampHeader = format.timestampHeader { headers.append((timestampHeader, time)) }
        if let idHeader = format.idHeader { headers.append((idHeader, id)) }
        return headers
    }
}
