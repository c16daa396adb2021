/// Why bytes are not a `DeliveryEvent`.
public enum DeliveryEventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated
    case unknownKind(UInt8)
    case unsupportedVersion(kind: UInt8, version: UInt8)
    case invalid(String)

    public var description: String {
        switch self {
        case .truncated: return "delivery event ends early"
        case .unknownKind(let k): return "unknown delivery event kind \(k) (written by a newer gatehouse?)"
        case .unsupportedVersion(let k, let v): return "delivery event kind \(k) version \(v) is not understood"
        case .invalid(let why): return "delivery event is invalid: \(why)"
        }
    }
}
