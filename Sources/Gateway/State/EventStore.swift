import Dispatch
import EventLog
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
