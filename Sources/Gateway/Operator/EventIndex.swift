import Synchronization

/// The `received` offsets of every accepted event in log order (oldest first): what
/// `GET /events` walks backwards. Seeded once from the fold, then extended by `LogTail` as
/// new events are folded, so a search never sorts the whole history. Also keeps the jobs
/// that were planned for an event after its `routed` record (`remapped`): rare, so a small
/// map, and what a search needs to derive such an event's state without reading its history.
final class EventIndex: Sendable {
    private struct Contents {
        var offsets: [UInt64] = []
        var laterJobs: [UInt64: [String]] = [:]
    }

    private let contents = Mutex(Contents())

    /// Replaces the contents: `sorted` ascending offsets and the jobs planned after routing.
    func seed(_ sorted: [UInt64], laterJobs: [UInt64: [String]]) {
        contents.withLock { $0 = Contents(offsets: sorted, laterJobs: laterJobs) }
    }

    /// Appends offsets newer than any held (the tail reads the log in order).
    func append(_ newer: [UInt64]) {
        guard !newer.isEmpty else { return }
        contents.withLock { c in
            for offset in newer where c.offsets.last.map({ offset > $0 }) ?? true { c.offsets.append(offset) }
        }
    }

    func addLaterJobs(_ ids: [String], event offset: UInt64) {
        guard !ids.isEmpty else { return }
        contents.withLock { $0.laterJobs[offset, default: []].append(contentsOf: ids) }
    }

    /// Forgets events received before `offset` (retention removed their records).
    func drop(before offset: UInt64) {
        contents.withLock { c in
            let keep = c.offsets.firstIndex { $0 >= offset } ?? c.offsets.count
            c.offsets.removeFirst(keep)
            c.laterJobs = c.laterJobs.filter { $0.key >= offset }
        }
    }

    /// A copy of the offsets (copy-on-write: cheap until the next append).
    func snapshot() -> [UInt64] { contents.withLock { $0.offsets } }

    func laterJobs(_ events: some Sequence<UInt64>) -> [UInt64: [String]] {
        contents.withLock { c in
            var found: [UInt64: [String]] = [:]
            for offset in events { if let ids = c.laterJobs[offset] { found[offset] = ids } }
            return found
        }
    }

    /// Whether `id` has the form the router gives the jobs of an event's `routed` record,
    /// `job_<event offset>_<rule position>` (see `EventRouter`). Any other job of the event
    /// was planned later and is kept in `laterJobs`; should the router's form ever change,
    /// every job lands there: more memory, never a wrong state.
    static func isRoutedJobID(_ id: String, eventOffset: UInt64) -> Bool {
        RoutedJobID(id)?.eventOffset == eventOffset
    }
}
