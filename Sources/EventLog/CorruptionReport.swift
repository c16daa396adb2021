/// Where damage was found, precise enough for an operator to act on it
/// (for example with `FileLog.truncate(directory:at:)`).
public struct CorruptionReport: Sendable, Equatable, CustomStringConvertible {
    /// Segment file name, relative to the log directory.
    public let segment: String
    /// Log offset of the first damaged byte (a record boundary when the damage starts at a record).
    public let offset: UInt64
    /// Byte position of the damage inside the segment file, for tools such as `dd`.
    public let position: Int
    public let reason: String

    public init(segment: String, offset: UInt64, position: Int, reason: String) {
        self.segment = segment
        self.offset = offset
        self.position = position
        self.reason = reason
    }

    public var description: String {
        "\(segment) at offset \(offset) (file position \(position)): \(reason)"
    }
}
