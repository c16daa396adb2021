extension SignatureScheme {
    private static let secretPrefix = "whsec_"

    /// The HMAC key a configured secret stands for.
    ///
    /// Standard Webhooks and Svix secrets are `whsec_` + base64 of the key. Stripe
    /// also shows `whsec_...` but keys its HMAC with the whole string as typed, so
    /// the prefix stays. The others use the secret's UTF-8 bytes. An empty key is
    /// refused everywhere: anyone could compute its signatures.
    public func key(fromSecret secret: String) throws(SecretError) -> [UInt8] {
        let key: [UInt8]
        switch self {
        case .standardWebhooks, .svix:
            let encoded = secret.hasPrefix(Self.secretPrefix)
                ? secret.dropFirst(Self.secretPrefix.count)
                : Substring(secret)
            guard !encoded.isEmpty else { throw .empty }
            guard let decoded = Base64.decode(encoded.utf8) else { throw .notBase64 }
            key = decoded
        case .stripe, .github, .shopify, .slack, .generic:
            key = Array(secret.utf8)
        }
        guard !key.isEmpty else { throw .empty }
        return key
    }
}
