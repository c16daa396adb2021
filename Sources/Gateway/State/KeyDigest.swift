/// A 128-bit keyed digest (SipHash-2-4, 128-bit output) of a dedupe key: what the fold's
/// indexes store instead of the key's strings, so a million events cost no allocations.
///
/// Treating equal digests as equal keys is safe because the key is secret and random per
/// state (SipHash is a PRF): a sender cannot aim for a collision, and a chance one among a
/// billion keys has odds below 10^-20.
struct KeyDigest: Hashable, Sendable {
    let high: UInt64
    let low: UInt64

    /// The digest of `source`, a 0xFF separator (never part of UTF-8) and `eventID`.
    static func of(source: UnsafeRawBufferPointer, eventID: UnsafeRawBufferPointer, key: DigestKey) -> KeyDigest {
        var hasher = SipHasher128(key: key)
        hasher.feed(source)
        hasher.feed(byte: 0xFF)
        hasher.feed(eventID)
        return hasher.finish()
    }

    /// The digest of `DedupeKey(source:contentDigest:)` (id `sha256:<hex>`) from the raw digest,
    /// spelled out on the stack: the fold reads second keys in place.
    static func of(source: UnsafeRawBufferPointer, contentDigest: UnsafeRawBufferPointer, key: DigestKey) -> KeyDigest {
        let prefix: StaticString = "sha256:"
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: prefix.utf8CodeUnitCount + 2 * contentDigest.count) { id in
            var i = 0
            for byte in UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount) { id[i] = byte; i += 1 }
            for byte in contentDigest {
                id[i] = hexDigits[Int(byte >> 4)]
                id[i + 1] = hexDigits[Int(byte & 0x0F)]
                i += 2
            }
            return of(source: source, eventID: UnsafeRawBufferPointer(id), key: key)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The digest of a delivery id, behind a separator no dedupe key starts with.
    static func of(deliveryID: String, key secret: DigestKey) -> KeyDigest {
        var id = deliveryID
        return id.withUTF8 { bytes in
            var hasher = SipHasher128(key: secret)
            hasher.feed(byte: 0xFE)
            hasher.feed(UnsafeRawBufferPointer(bytes))
            return hasher.finish()
        }
    }

    static func of(_ key: DedupeKey, key secret: DigestKey) -> KeyDigest {
        var source = key.source, eventID = key.eventID
        return source.withUTF8 { s in eventID.withUTF8 { e in of(source: UnsafeRawBufferPointer(s), eventID: UnsafeRawBufferPointer(e), key: secret) } }
    }
}
