import Signing

/// Standard Webhooks signing: HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`
/// with the raw key bytes, one `v1,<base64>` per key, space-separated, so during a rotation
/// a receiver holding either key verifies.
public enum NotificationSigner {
    /// Headers for one attempt of a notification to one subscriber: `webhook-id` is the
    /// delivery id (stable across retries), `webhook-timestamp` this attempt's unix seconds.
    public static func headers(for n: Notification, subscriberID: String, body: [UInt8], keys: [[UInt8]],
                               attemptTimestamp: Int64) -> [(String, String)] {
        headers(webhookID: DeliveryID.make(notificationID: n.id, subscriberID: subscriberID),
                body: body, keys: keys, attemptTimestamp: attemptTimestamp)
    }

    public static func headers(webhookID: String, body: [UInt8], keys: [[UInt8]], attemptTimestamp: Int64) -> [(String, String)] {
        [("webhook-id", webhookID),
         ("webhook-timestamp", String(attemptTimestamp)),
         ("webhook-signature", signature(webhookID: webhookID, timestamp: attemptTimestamp, body: body, keys: keys))]
    }

    public static func signature(webhookID: String, timestamp: Int64, body: [UInt8], keys: [[UInt8]]) -> String {
        keys.map { WebhookSigner.standardWebhooksSignature(id: webhookID, timestamp: timestamp, body: body, key: $0) }
            .joined(separator: " ")
    }
}
