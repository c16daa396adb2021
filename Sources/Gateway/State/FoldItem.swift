import Wire

/// One log record, read and ready to fold: the work of reading (parsing, hashing the dedupe
/// key, decoding) is done by whoever makes these, so it can run on another thread than
/// the fold itself (see `FoldPipeline`).
enum FoldItem: Sendable {
    case received(KeyDigest, source: String, offset: UInt64)
    case routedWithoutJobs(eventOffset: UInt64, offset: UInt64)
    case event(LogEvent, offset: UInt64)
}

/// Turns payloads into `FoldItem`s. `received` records (most of a log) and routed records
/// that planned nothing are read in place with no allocation; the rest are decoded whole.
struct FoldItemReader {
    let digestKey: DigestKey
    /// The last source name read, so a run of events from one source makes no new strings.
    private var lastSource: (bytes: [UInt8], name: String) = ([], "")

    init(digestKey: DigestKey) {
        self.digestKey = digestKey
    }

    mutating func read(_ payload: UnsafeRawBufferPointer, at offset: UInt64) throws(LogEventDecodingError) -> FoldItem {
        var cursor = WireCursor(payload)
        switch (cursor.u8(), cursor.u8()) {
        case (LogEvent.Kind.received.rawValue, 1):
            guard let source = cursor.blob(), let eventID = cursor.blob() else { throw .truncated }
            if !(source.count == lastSource.bytes.count && lastSource.bytes.withUnsafeBytes({ $0.elementsEqual(source) })) {
                lastSource = (Array(source), String(decoding: source, as: UTF8.self))
            }
            return .received(KeyDigest.of(source: source, eventID: eventID, key: digestKey), source: lastSource.name, offset: offset)
        case (LogEvent.Kind.routed.rawValue, 1):
            guard let eventOffset = cursor.u64(), cursor.blob() != nil, cursor.blob() != nil, cursor.i64() != nil,
                  let plans = cursor.blob() else { throw .truncated }
            if plans.isEmpty { return .routedWithoutJobs(eventOffset: eventOffset, offset: offset) }
            return .event(try LogEvent.decode(Array(payload), withBody: false), offset: offset)
        default:
            return .event(try LogEvent.decode(Array(payload), withBody: false), offset: offset)
        }
    }
}
