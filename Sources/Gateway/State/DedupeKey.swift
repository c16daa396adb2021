import Signing

/// Identifies one delivery for dedupe: the same id from two sources is two events.
///
/// Compared and hashed as UTF-8 bytes, as the durable index (`KeyDigest`) compares them.
/// `String`'s own equality treats canonically equivalent text as equal ("é" as one scalar or
/// as "e" and a combining accent), and the in-flight table and the index must agree on what
/// is the same event: otherwise a copy could be answered "duplicate" while a restart sees two.
public struct DedupeKey: Hashable, Sendable {
    public let source: String
    public let eventID: String

    init(source: String, eventID: String) {
        self.source = source
        self.eventID = eventID
    }

    /// The key of a delivery by what its signature covers (see `ReceivedEvent.contentDigest`);
    /// its id, `sha256:<hex>`, is also the id of a delivery that has no other.
    init(source: String, contentDigest: [UInt8]) {
        self.init(source: source, eventID: Self.contentID(contentDigest))
    }

    static func contentID(_ digest: [UInt8]) -> String { "sha256:" + Hex.encode(digest) }

    public static func == (a: DedupeKey, b: DedupeKey) -> Bool {
        a.source.utf8.elementsEqual(b.source.utf8) && a.eventID.utf8.elementsEqual(b.eventID.utf8)
    }

    public func hash(into hasher: inout Hasher) {
        var source = source, eventID = eventID
        source.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hasher.combine(0xFF as UInt8)  // never part of UTF-8: ("ab", "c") and ("a", "bc") differ
        eventID.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension ReceivedEvent {
    /// The second dedupe key, when there is one (see `contentDigest`).
    var contentKey: DedupeKey? {
        contentDigest.map { DedupeKey(source: source, contentDigest: $0) }
    }
}
