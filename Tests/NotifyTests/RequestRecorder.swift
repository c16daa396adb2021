import Synchronization

/// Requests are recorded on the sink's loop threads and read on the test's.
final class RequestRecorder: Sendable {
    private let items = Mutex<[SinkRequest]>([])

    func append(_ r: SinkRequest) -> Int { items.withLock { $0.append(r); return $0.count - 1 } }
    var all: [SinkRequest] { items.withLock { $0 } }
}
