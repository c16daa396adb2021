/// Every state change of the gateway, as written to the log. The in-memory state is a fold
/// over these (see `GatewayState.apply`). A payload starts with its kind and a version byte
/// so later releases can add kinds and fields while still reading old logs.
public enum LogEvent: Sendable, Equatable {
    case received(ReceivedEvent)

    enum Kind: UInt8 { case received = 1 }

    public func encoded() -> [UInt8] {
        switch self {
        case .received(let e):
            var w = BinaryWriter(capacity: e.body.count + 128)
            w.u8(Kind.received.rawValue)
            w.u8(1)
            w.string(e.source)
            w.string(e.eventID)
            w.optionalString(e.eventType)
            w.i64(e.receivedAt)
            w.u8(e.signedAt == nil ? 0 : 1)
            w.i64(e.signedAt ?? 0)
            w.optionalString(e.contentType)
            w.blob(e.body)
            return w.bytes
        }
    }

    public static func decode(_ payload: [UInt8]) throws(LogEventDecodingError) -> LogEvent {
        var r = BinaryReader(payload)
        let kindByte = try r.u8()
        let version = try r.u8()
        guard let kind = Kind(rawValue: kindByte) else { throw .unknownKind(kindByte) }
        switch kind {
        case .received:
            guard version == 1 else { throw .unsupportedVersion(kind: kindByte, version: version) }
            let source = try r.string()
            let id = try r.string()
            let type = try r.optionalString()
            let receivedAt = try r.i64()
            let hasSignedAt = try r.u8() == 1
            let signedAt = try r.i64()
            let contentType = try r.optionalString()
            let body = try r.blob()
            return .received(ReceivedEvent(source: source, eventID: id, eventType: type, receivedAt: receivedAt,
                                           signedAt: hasSignedAt ? signedAt : nil, contentType: contentType, body: body))
        }
    }
}
