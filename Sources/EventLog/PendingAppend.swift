/// One `append` call waiting for the writer. Its records are written and
/// acknowledged together.
struct PendingAppend: Sendable {
    let payloads: [[UInt8]]
    /// Sum of payload sizes, counted against `queueByteCapacity`.
    let bytes: Int
    let completion: @Sendable (Result<[UInt64], LogError>) -> Void
}
