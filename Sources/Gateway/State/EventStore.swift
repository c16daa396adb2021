import Dispatch
import EventLog
import Glibc
import Synchronization

/// The one place state changes: events are appended to the log and, once durable, folded
/// into `GatewayState` in log order (the log's writer runs completions in order), then the
/// caller's continuation runs. Readers take consistent snapshots under the same lock.
public final class EventStore: Sendable {
    let log: FileLog
    private let state: Mutex<GatewayState>

    init(log: FileLog, recovered: GatewayState) {
        self.log = log
        self.state = Mutex(recovered)
    }

    /// Appends, folds on success, then calls `then` (on the log's writer thread: keep it short).
    func append(_ events: [LogEvent], then: @escaping @Sendable (Result<[UInt64], LogError>) -> Void) {
        log.append(events.map { $0.encoded() }) { [self] result in
            if case .success(let offsets) = result {
                state.withLock { s in
                    for (event, offset) in zip(events, offsets) { s.apply(event, at: offset) }
                }
            }
            then(result)
        }
    }

    /// Appends and waits until the events are durable and folded (for maintenance threads,
    /// never for the log's own writer thread).
    @discardableResult
    func appendAndWait(_ events: [LogEvent]) throws -> [UInt64] {
        let done = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<[UInt64], LogError>?>(nil)
        append(events) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Appends `events` a chunk at a time, each durable and folded before the next, handing
    /// each chunk to `landed` once it is. For the operator's bulk changes: one append of
    /// thousands of records could be more than the log's queue holds (refused whole, every
    /// time) and would crowd webhooks out of it while it waited. A chunk refused because the
    /// queue is full of live traffic is tried again for up to `patience` seconds.
    func appendInChunks(_ events: [LogEvent], patience: Double = 30, landed: (ArraySlice<LogEvent>) -> Void) throws {
        let size = bulkChunk
        var start = events.startIndex
        while start < events.endIndex {
            let chunk = events[start..<min(start + size, events.endIndex)]
            let deadline = Clock.unixMilliseconds() + Int64(patience * 1000)
            while true {
                do {
                    try appendAndWait(Array(chunk))
                    break
                } catch LogError.overloaded where Clock.unixMilliseconds() < deadline {
                    usleep(20_000)
                } catch {
                    throw PartialAppend(recorded: start - events.startIndex, total: events.count, cause: error)
                }
            }
            landed(chunk)
            start = chunk.endIndex
        }
    }

    /// Records per append of a bulk change: a small part of the log's queue, so live
    /// webhooks keep room beside it.
    var bulkChunk: Int { max(1, min(64, log.queueCapacity / 4)) }

    /// A bulk change the log took only part of: the first `recorded` are durable (and were
    /// handed on), the rest are not.
    struct PartialAppend: Error, CustomStringConvertible {
        let recorded: Int
        let total: Int
        let cause: Error
        var description: String { "only \(recorded) of \(total) changes were recorded before the log refused: \(cause)" }
    }

    func read<R>(_ body: (borrowing GatewayState) -> R) -> R {
        state.withLock { body($0) }
    }

    public func snapshot() -> GatewayState { state.withLock { $0 } }

    /// The payload of the record at `offset` (an event's body, for rendering its actions).
    func record(at offset: UInt64) throws -> LogEvent? {
        var found: LogEvent?
        try log.read(from: offset) { record in
            if record.offset == offset { found = try LogEvent.decode(record.payload) }
            return false
        }
        return found
    }
}
