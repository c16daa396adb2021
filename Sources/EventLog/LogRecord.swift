/// One durable record as a reader sees it.
public struct LogRecord: Sendable, Equatable {
    /// Log-wide position of the record; the next record's offset is larger.
    public let offset: UInt64
    public let payload: [UInt8]

    public init(offset: UInt64, payload: [UInt8]) {
        self.offset = offset
        self.payload = payload
    }
}
