/// The result of an offline scan by `LogVerifier`.
public struct VerificationReport: Sendable, Equatable {
    public let segments: Int
    /// CRC-valid records found, including ones that follow damage.
    public let records: Int
    public let bytes: UInt64
    /// Every damaged region, in log order.
    public let damage: [CorruptionReport]

    public var isClean: Bool { damage.isEmpty }

    /// One line for the operator; each entry of `damage` describes itself.
    public var summary: String {
        let head = "event log verified: \(segments) segment(s), \(records) valid record(s), \(bytes) bytes"
        return head + (damage.isEmpty ? ": clean" : ": \(damage.count) damaged region(s)")
    }
}
