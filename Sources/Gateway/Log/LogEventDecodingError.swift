public enum LogEventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated
    case unknownKind(UInt8)
    case unsupportedVersion(kind: UInt8, version: UInt8)
    case unknownFlags(kind: UInt8, flags: UInt8)
    /// A value no writer makes (a count near the integer limit, which the fold would overflow).
    case outOfRange(String)

    public var description: String {
        switch self {
        case .truncated: return "event record ends early"
        case .unknownKind(let k): return "unknown event kind \(k) (written by a newer gatehouse?)"
        case .unsupportedVersion(let k, let v): return "event kind \(k) version \(v) is not understood"
        case .unknownFlags(let k, let f): return "event kind \(k) has flags \(f) that are not understood (written by a newer gatehouse?)"
        case .outOfRange(let what): return "event record holds \(what) out of range"
        }
    }
}
