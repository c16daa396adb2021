/// Checks inbound deliveries against one scheme and one or more keys.
public struct SignatureVerifier: Sendable {
    public let scheme: SignatureScheme
    /// Allowed distance, in seconds, between a signed timestamp and now, in either
    /// direction: old deliveries are replays, far-future ones pre-signed replays.
    public let tolerance: Int64
    let keys: [[UInt8]]

    /// Whether `other` accepts a signature this one does: they share a key (and the scheme
    /// signs alike), so a delivery captured for one source verifies at the other.
    public func sharesKey(with other: SignatureVerifier) -> Bool {
        keys.contains { key in other.keys.contains { ConstantTime.equals($0, key) } }
    }
    /// `keys` made ready once, so each delivery's HMACs start from a copied state.
    let prepared: [HMACSHA256Key]

    /// Several keys let a secret be rotated without dropping deliveries: any key
    /// matching any signature is enough. Empty keys are dropped, because anyone can
    /// compute an HMAC under the empty key.
    public init(scheme: SignatureScheme, keys: [[UInt8]], tolerance: Int64 = 300) {
        self.scheme = scheme
        self.keys = keys.filter { !$0.isEmpty }
        prepared = self.keys.map(HMACSHA256Key.init)
        self.tolerance = max(0, tolerance)
    }

    /// - Parameters:
    ///   - fields: looks a header up by its lowercase name, saying whether it came more than once.
    ///   - now: the current time in unix seconds.
    public func verify(
        fields: (String) -> HeaderField, body: [UInt8], now: Int64
    ) -> Result<VerifiedDelivery, VerificationFailure> {
        Result { () throws(VerificationFailure) -> VerifiedDelivery in
            guard !keys.isEmpty else { throw .noKeys }
            let claim = try claim(header: fields, body: body)
            if let timestamp = claim.timestamp {
                try checkFreshness(of: timestamp, now: now)
            }
            guard matches(claim) else { throw .signatureMismatch }
            let digest = claim.idHeaderIsUnsigned ? SHA256Digest.hash(parts: claim.content) : nil
            return VerifiedDelivery(eventId: claim.eventId, timestamp: claim.timestamp, signedContentDigest: digest)
        }
    }

    /// As `verify(fields:body:now:)`, for callers whose headers cannot repeat (one value per name).
    public func verify(
        header: (String) -> String?, body: [UInt8], now: Int64
    ) -> Result<VerifiedDelivery, VerificationFailure> {
        verify(fields: { header($0).map(HeaderField.value) ?? .absent }, body: body, now: now)
    }

    private func claim(header: (String) -> HeaderField, body: [UInt8]) throws(VerificationFailure) -> SignedClaim {
        switch scheme {
        case .standardWebhooks:
            return try StandardWebhooksFormat.standard.claim(header: header, body: body)
        case .svix:
            return try StandardWebhooksFormat.svix.claim(header: header, body: body)
        case .stripe:
            return try StripeFormat.claim(header: header, body: body)
        case .slack:
            return try SlackFormat.claim(header: header, body: body)
        case .github:
            return try GenericFormat(config: .gitHub).claim(header: header, body: body)
        case .shopify:
            return try GenericFormat(config: .shopify).claim(header: header, body: body)
        case .generic(let config):
            return try GenericFormat(config: config).claim(header: header, body: body)
        }
    }

    private func checkFreshness(of timestamp: Int64, now: Int64) throws(VerificationFailure) {
        let (skew, overflowed) = now.subtractingReportingOverflow(timestamp)
        // Timestamps are non-negative, so overflow only happens for a hugely negative
        // `now`; the delivery is then as far in the future as can be said.
        if overflowed { throw .timestampOutOfTolerance(skew: .min) }
        if skew > tolerance || skew < -tolerance { throw .timestampOutOfTolerance(skew: skew) }
    }

    private func matches(_ claim: SignedClaim) -> Bool {
        for key in prepared {
            let expected = key.authenticate(parts: claim.content)
            for candidate in claim.signatures where ConstantTime.equals(expected, candidate) {
                return true
            }
        }
        return false
    }
}
