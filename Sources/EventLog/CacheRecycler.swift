import Synchronization

/// Sealed segments whose cached pages the next preparation may take back, a step at a time
/// before each step of zeros it writes, once the log's cached reader (the operator's tail,
/// which follows the writer closely) has read past them. Memory the kernel freed a moment
/// ago is cheap to fill again; memory it has not used lately is not: on this machine's VM a
/// 64 MiB segment filled from fresh memory cost 160–230 ms of CPU, against 23–29 ms when each
/// step reused the step of pages just dropped (`bench/machine-costs.py`). Dropping a whole
/// segment at once saved nothing here, because by the time the pages were wanted the kernel
/// had handed them back to the host; and dropping what the tail had yet to read sent it to
/// the disk in the middle of the commits.
final class CacheRecycler: Sendable {
    /// A reader that stops reporting leaves at most this many segments named.
    static let capacity = 8

    private struct State {
        var segments: [(path: String, end: UInt64)] = []
        var readThrough: UInt64 = 0
        var recycled = 0
    }

    private let state = Mutex(State())

    /// A segment the writer just sealed; `end` is the offset just past its last record.
    func sealed(path: String, end: UInt64) {
        state.withLock { s in
            s.segments.append((path, end))
            if s.segments.count > Self.capacity { s.segments.removeFirst() }
        }
    }

    /// The cached reader has read every record before `offset`.
    func readersPassed(_ offset: UInt64) {
        state.withLock { $0.readThrough = max($0.readThrough, offset) }
    }

    /// Segments handed to preparations since the log opened.
    var recycled: Int { state.withLock { $0.recycled } }

    /// The oldest sealed segment the reader has passed, taken off the list.
    func next() -> String? {
        state.withLock { s in
            guard let oldest = s.segments.first, oldest.end <= s.readThrough else { return nil }
            s.segments.removeFirst()
            s.recycled += 1
            return oldest.path
        }
    }
}
