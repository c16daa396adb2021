import Wire

/// Log records, read and ready to fold, a batch at a time: the work of reading (parsing,
/// hashing dedupe keys, decoding) is done by whoever fills a batch, so it can run on
/// another thread than the fold itself (see `FoldPipeline`). Items are plain words, so
/// handing over a batch copies no references; decoded events and new source names ride
/// alongside and items point at them by index.
struct FoldBatch: Sendable {
    struct Item: Sendable {
        enum Kind: UInt8, Sendable { case received, routedWithoutJobs, event }
        var kind: Kind
        var offset: UInt64
        var digest = KeyDigest(high: 0, low: 0)
        /// `routedWithoutJobs`: the event it routes.
        var eventOffset: UInt64 = 0
        /// `received`: index of its source among all names read so far; `event`: index
        /// into `events`.
        var index = 0
    }

    var items: [Item] = []
    var events: [LogEvent] = []
    /// Source names first seen in this batch, in the order they got their indexes.
    var newSources: [String] = []

    var isEmpty: Bool { items.isEmpty }

    mutating func removeAll() {
        items.removeAll(keepingCapacity: true)
        events.removeAll(keepingCapacity: true)
        newSources.removeAll(keepingCapacity: true)
    }
}

/// Reads payloads into a `FoldBatch`. `received` records (most of a log) and routed records
/// that planned nothing are read in place with no allocation; the rest are decoded whole.
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
