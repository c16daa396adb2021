/// The gateway's durable, append-only log. Payloads are opaque bytes; the log
/// knows nothing about what they mean.
public protocol LogStore: AnyObject, Sendable {
    /// Queue payloads for a durable append (group commit). Completion runs on the
    /// log's writer thread once the records are fsynced (the result carries each
    /// record's offset) or failed. Returns immediately; if the bounded queue is full
    /// the completion is called at once with `.failure(.overloaded)`. Completions
    /// hold up the next batch, so they should only hand the result on.
    func append(_ payloads: [[UInt8]], completion: @escaping @Sendable (Result<[UInt64], LogError>) -> Void)

    /// Blocking durable append, for CLI tools and tests. Never call it from a completion.
    func appendAndWait(_ payloads: [[UInt8]]) throws(LogError) -> [UInt64]

    /// Visit durable records with offset >= `offset`, in order; return false to stop.
    func read(from offset: UInt64, _ visit: (LogRecord) throws -> Bool) throws

    /// Offset just past the last durable record.
    var durableEnd: UInt64 { get }

    func stats() -> LogStats

    /// Stop accepting, flush and sync everything queued, join the writer thread. Idempotent.
    func close()
}
