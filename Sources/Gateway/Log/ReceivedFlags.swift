import Wire

/// Bits of a version-2 `received` record's flags byte (version 1 has none), and reading them
/// in place for the readers that look at most records of a log without decoding them.
enum ReceivedFlags {
    static let routedAtIntake: UInt8 = 1
    /// The signed content's SHA-256 follows the flags byte, as a blob (see `ReceivedEvent.contentDigest`).
    static let contentKeyed: UInt8 = 2
    static let known: UInt8 = routedAtIntake | contentKeyed

    /// The fields of a `received` record between its event id and its body, read from a
    /// cursor just past the id: when it was received, and its flags (0 for version 1). nil if
    /// the record ends early; unknown flag bits are the caller's to refuse.
    static func timeAndFlags(after cursor: inout WireCursor, version: UInt8) -> (receivedAt: Int64, flags: UInt8)? {
        guard let hasType = cursor.u8(), hasType == 0 || cursor.blob() != nil,
              let receivedAt = cursor.i64(), cursor.u8() != nil, cursor.i64() != nil,
              let hasContentType = cursor.u8(), hasContentType == 0 || cursor.blob() != nil else { return nil }
        guard version == 2 else { return (receivedAt, 0) }
        return cursor.u8().map { (receivedAt, $0) }
    }
}
