import Signing
import Wire

/// Reads payloads into a `FoldBatch`. `received` records (most of a log, with one dedupe key
/// or two) and routed records that planned nothing are read in place with no allocation; the
/// rest are decoded whole.
struct FoldItemReader {
    let digestKey: DigestKey
    /// Source names with their indexes (few: one per route file).
    private var sources: [[UInt8]] = []
    private var lastSource = -1

    init(digestKey: DigestKey) {
        self.digestKey = digestKey
    }

    mutating func read(_ payload: UnsafeRawBufferPointer, at offset: UInt64, into batch: inout FoldBatch) throws(LogEventDecodingError) {
        var cursor = WireCursor(payload)
        switch (cursor.u8(), cursor.u8()) {
        case (LogEvent.Kind.received.rawValue, 1):
            guard let source = cursor.blob(), let eventID = cursor.blob() else { throw .truncated }
            batch.items.append(.init(kind: .received, offset: offset, digest: KeyDigest.of(source: source, eventID: eventID, key: digestKey),
                                     index: sourceIndex(source, &batch)))
        case (LogEvent.Kind.received.rawValue, 2):
            // The flags byte sits after the fields the fold does not need.
            guard let source = cursor.blob(), let eventID = cursor.blob(),
                  let flags = ReceivedFlags.timeAndFlags(after: &cursor, version: 2)?.flags else { throw .truncated }
            guard flags & ~ReceivedFlags.known == 0 else { throw .unknownFlags(kind: LogEvent.Kind.received.rawValue, flags: flags) }
            let routed = flags & ReceivedFlags.routedAtIntake != 0
            var item = FoldBatch.Item(kind: routed ? .receivedRouted : .received, offset: offset,
                                      digest: KeyDigest.of(source: source, eventID: eventID, key: digestKey),
                                      index: sourceIndex(source, &batch))
            // Two dedupe keys (see `ReceivedEvent.contentDigest`), the second after the flags.
            if flags & ReceivedFlags.contentKeyed != 0 {
                guard let digest = cursor.blob(), digest.count == SHA256Digest.byteCount else { throw .truncated }
                item.second = KeyDigest.of(source: source, contentDigest: digest, key: digestKey)
                item.hasSecond = true
            }
            batch.items.append(item)
        case (LogEvent.Kind.routed.rawValue, 1):
            guard let eventOffset = cursor.u64(), cursor.blob() != nil, cursor.blob() != nil, cursor.i64() != nil,
                  let plans = cursor.blob() else { throw .truncated }
            if plans.isEmpty {
                batch.items.append(.init(kind: .routedWithoutJobs, offset: offset, eventOffset: eventOffset))
            } else {
                try decoded(payload, at: offset, into: &batch)
            }
        default:
            try decoded(payload, at: offset, into: &batch)
        }
    }

    private func decoded(_ payload: UnsafeRawBufferPointer, at offset: UInt64, into batch: inout FoldBatch) throws(LogEventDecodingError) {
        batch.events.append(try LogEvent.decode(Array(payload), withBody: false))
        batch.items.append(.init(kind: .event, offset: offset, index: batch.events.count - 1))
    }

    private mutating func sourceIndex(_ name: UnsafeRawBufferPointer, _ batch: inout FoldBatch) -> Int {
        if lastSource >= 0, sources[lastSource].withUnsafeBytes({ $0.elementsEqual(name) }) { return lastSource }
        if let known = sources.firstIndex(where: { $0.withUnsafeBytes { $0.elementsEqual(name) } }) {
            lastSource = known
            return known
        }
        sources.append(Array(name))
        batch.newSources.append(String(decoding: name, as: UTF8.self))
        lastSource = sources.count - 1
        return lastSource
    }
}
