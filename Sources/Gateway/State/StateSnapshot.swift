import Notify
import EventLog
import Wire

/// A checkpoint of the fold: the event index as words, the jobs (whole ones encoded, settled
/// ones as words), and the offsets of the records that built the deliveries. The layout is
/// in docs/snapshot-format.md.
///
/// It is tied to its log by the offset and payload checksum of the last record it folded:
/// a snapshot of some other log, or of records since cut away, never matches and is ignored.
struct StateSnapshot: Sendable, Equatable {
    static let magic = Array("GHSTATE\u{1}".utf8)
    static let version: UInt8 = 3

    var digestKey: DigestKey
    var lastOffset: UInt64
    var lastRecordChecksum: UInt32
    var eventsApplied: Int
    var acceptedBySource: [String: Int]
    var unrouted: [UInt64]
    /// (digest high, digest low, received offset) triples.
    var seen: [UInt64]
    var history: HistoryChains
    /// Jobs held whole (not succeeded), in id order.
    var jobs: [JobState]
    var settled: SettledJobs
    /// (digest high, digest low, outline word) triples of delivered deliveries.
    var settledDeliveries: [UInt64]
    var reopenedDeliveries: [String: UInt64]
    var subscribers: [String: SubscriberHealth]
    var workRecords: [UInt64]
    var retentionFloor: UInt64
    var dedupeFloor: UInt64
    var retiredJobs: [RetiredJobKey: Int]

    func encoded() -> [UInt8] {
        var w = WireWriter(capacity: 64 + 8 * (seen.count + 2 * history.eventCount + 2 * history.records.count + workRecords.count))
        w.u8(Self.version)
        w.u64(lastOffset)
        w.u64(UInt64(lastRecordChecksum))
        w.u64(UInt64(eventsApplied))
        w.u64(digestKey.k0)
        w.u64(digestKey.k1)
        w.u64(UInt64(acceptedBySource.count))
        for (source, count) in acceptedBySource.sorted(by: { $0.key < $1.key }) { w.string(source); w.u64(UInt64(count)) }
        w.u64(retentionFloor)
        w.u64(dedupeFloor)
        w.u64(UInt64(retiredJobs.count))
        for (key, count) in retiredJobs.sorted(by: { ($0.key.api, $0.key.status.rawValue) < ($1.key.api, $1.key.status.rawValue) }) {
            w.string(key.api); w.string(key.status.rawValue); w.u64(UInt64(count))
        }
        let indexes = { (list: [Int]) in list.map { UInt64(bitPattern: Int64($0)) } }
        for table in [unrouted, seen, history.received.array, indexes(history.newest.array), history.records.array,
                      indexes(history.previous.array), workRecords] {
            w.words(table)
        }
        w.u64(UInt64(jobs.count))
        for job in jobs { JobStateCoding.encode(job, to: &w) }
        settled.encode(to: &w)
        w.words(settledDeliveries)
        w.u64(UInt64(reopenedDeliveries.count))
        for (id, outline) in reopenedDeliveries.sorted(by: { $0.key < $1.key }) { w.string(id); w.u64(outline) }
        var health = WireWriter(capacity: 64 * subscribers.count + 8)
        health.u64(UInt64(subscribers.count))
        for (id, h) in subscribers.sorted(by: { $0.key < $1.key }) { health.string(id); h.encode(into: &health) }
        w.blob(health.bytes)
        let body = w.bytes
        var file = Self.magic
        withUnsafeBytes(of: CRC32C.checksum(body).littleEndian) { file.append(contentsOf: $0) }
        file.append(contentsOf: body)
        return file
    }

    static func decode(_ file: [UInt8]) throws -> StateSnapshot {
        let header = magic.count + 4
        guard file.count >= header, file.starts(with: magic) else { throw SnapshotError.damaged("not a gatehouse state snapshot") }
        return try file.withUnsafeBytes { (raw) throws(SnapshotError) -> StateSnapshot in
            let stored = raw.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self).littleEndian
            let body = UnsafeRawBufferPointer(rebasing: raw[header...])
            guard CRC32C.update(0, body) == stored else { throw .damaged("checksum mismatch") }
            var r = WireCursor(body)
            guard let version = r.u8() else { throw .damaged("empty") }
            guard version == Self.version else { throw .damaged("format version \(version) is not known to this build") }
            guard let lastOffset = r.u64(), let checksum = r.u64(), let applied = r.u64(), let k0 = r.u64(), let k1 = r.u64(),
                  let sources = r.u64(), sources < 1_000_000 else { throw .damaged("truncated header") }
            var accepted: [String: Int] = [:]
            for _ in 0..<sources {
                guard let name = r.blob(), let count = r.u64() else { throw .damaged("truncated source counts") }
                accepted[String(decoding: name, as: UTF8.self)] = try Self.int(count)
            }
            guard let retentionFloor = r.u64(), let dedupeFloor = r.u64(), let retiredCount = r.u64(), retiredCount < 1_000_000
            else { throw .damaged("truncated retention fields") }
            var retired: [RetiredJobKey: Int] = [:]
            for _ in 0..<retiredCount {
                guard let api = r.blob(), let statusName = r.blob(), let count = r.u64(),
                      let status = JobState.Status(rawValue: String(decoding: statusName, as: UTF8.self))
                else { throw .damaged("truncated retired job counts") }
                retired[RetiredJobKey(api: String(decoding: api, as: UTF8.self), status: status)] = try Self.int(count)
            }
            guard let unrouted = r.words(), let seen = r.words(), let received = r.words(), let newest = r.words(),
                  let records = r.words(), let previous = r.words(), let work = r.words() else { throw SnapshotError.damaged("truncated tables") }
            guard zip(work, work.dropFirst()).allSatisfy({ $0 < $1 }) else { throw SnapshotError.damaged("work records out of order") }
            guard let jobCount = r.u64(), jobCount < 1 << 40 else { throw SnapshotError.damaged("truncated jobs") }
            var jobs: [JobState] = []
            for _ in 0..<jobCount {
                guard let job = JobStateCoding.decode(&r) else { throw SnapshotError.damaged("a job that cannot be read") }
                // In id order, each once: the restore keys a dictionary by id.
                guard jobs.last.map({ $0.plan.id < job.plan.id }) ?? true else { throw SnapshotError.damaged("jobs out of order or repeated") }
                jobs.append(job)
            }
            guard let settled = SettledJobs.decode(&r) else { throw SnapshotError.damaged("settled jobs that cannot be read") }
            guard let settledDeliveries = r.words(), settledDeliveries.count % 3 == 0, let reopenedCount = r.u64(), reopenedCount < 1 << 32
            else { throw SnapshotError.damaged("truncated settled deliveries") }
            var reopened: [String: UInt64] = [:]
            for _ in 0..<reopenedCount {
                guard let id = SnapshotFields.string(&r), let outline = r.u64() else { throw SnapshotError.damaged("truncated reopened deliveries") }
                reopened[id] = outline
            }
            guard let healthBytes = SnapshotFields.bytes(&r) else { throw SnapshotError.damaged("truncated subscribers") }
            var subscribers: [String: SubscriberHealth] = [:]
            var h = WireReader(healthBytes, truncated: SnapshotError.damaged("truncated subscribers"))
            let subscriberCount = try h.u64()
            for _ in 0..<subscriberCount {
                let name = try h.string()
                let health = try SubscriberHealth.decode(&h)
                let counts = [health.consecutiveFailures, health.counts.pending, health.counts.failing, health.counts.delivered,
                              health.counts.failed, health.counts.dead]
                guard counts.allSatisfy({ $0.magnitude <= Self.maxCount }) else { throw SnapshotError.damaged("a subscriber count out of range") }
                subscribers[name] = health
            }
            guard h.isAtEnd else { throw SnapshotError.damaged("bytes after the subscribers") }
            guard r.isAtEnd else { throw SnapshotError.damaged("bytes after the last table") }
            let indexes = { (words: [UInt64]) in words.map { Int(Int64(bitPattern: $0)) } }
            guard seen.count % 3 == 0,
                  let history = HistoryChains(received: received, newest: indexes(newest), records: records, previous: indexes(previous))
            else { throw SnapshotError.damaged("tables of the wrong shape") }
            return StateSnapshot(digestKey: DigestKey(k0: k0, k1: k1), lastOffset: lastOffset, lastRecordChecksum: UInt32(truncatingIfNeeded: checksum),
                                 eventsApplied: try Self.int(applied), acceptedBySource: accepted, unrouted: unrouted,
                                 seen: seen, history: history, jobs: jobs, settled: settled,
                                 settledDeliveries: settledDeliveries, reopenedDeliveries: reopened, subscribers: subscribers, workRecords: work, retentionFloor: retentionFloor,
                                 dedupeFloor: dedupeFloor, retiredJobs: retired)
        }
    }

    /// Far beyond any real count, and far enough below `Int.max` that the fold after the
    /// snapshot cannot overflow adding to it. A file whose CRC is valid is not thereby
    /// trustworthy (a CRC is no MAC): a count near `Int.max` trapped the first increment, on
    /// every start.
    static let maxCount: UInt = 1 << 48

    private static func int(_ word: UInt64) throws(SnapshotError) -> Int {
        guard word <= Self.maxCount else { throw .damaged("a count out of range") }
        return Int(word)
    }
}
