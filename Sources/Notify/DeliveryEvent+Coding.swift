import Wire
import Routing

/// Binary form: kind byte, version byte, then fields. No Foundation coders on this path:
/// three of these are written per delivery. Kinds start at 0x40 so they never collide
/// with the gateway's own event kinds if it stores them side by side.
extension DeliveryEvent {
    enum Kind: UInt8 {
        case planned = 0x40, attemptStarted, attemptFinished, subscriberDisabled, subscriberEnabled
        case circuitOpened, circuitClosed, redeliveryRequested
    }

    private static let version: UInt8 = 1

    public func encoded() -> [UInt8] {
        var w = WireWriter(capacity: 96)
        switch self {
        case .planned(let id, let subscriber, let n, let at):
            w.u8(Kind.planned.rawValue); w.u8(Self.version)
            w.string(id); w.string(subscriber); w.i64(at)
            w.string(n.id); w.string(n.type); w.i64(n.timestamp); w.blob(n.dataJSON)
        case .attemptStarted(let id, let attempt, let at):
            w.u8(Kind.attemptStarted.rawValue); w.u8(Self.version)
            w.string(id); w.i64(Int64(attempt)); w.i64(at)
        case .attemptFinished(let id, let attempt, let at, let status, let latency, let outcome):
            w.u8(Kind.attemptFinished.rawValue); w.u8(Self.version)
            w.string(id); w.i64(Int64(attempt)); w.i64(at); w.i64(Int64(status ?? -1)); w.i64(latency)
            switch outcome {
            case .delivered: w.u8(1)
            case .retrying(let error, let next): w.u8(2); w.string(error); w.i64(next)
            case .failed(let error): w.u8(3); w.string(error)
            case .dead(let error): w.u8(4); w.string(error)
            case .notSent(let reason, let next): w.u8(5); w.string(reason); w.i64(next)
            }
        case .subscriberDisabled(let subscriber, let reason, let at):
            w.u8(Kind.subscriberDisabled.rawValue); w.u8(Self.version)
            w.string(subscriber); w.string(reason); w.i64(at)
        case .subscriberEnabled(let subscriber, let at):
            w.u8(Kind.subscriberEnabled.rawValue); w.u8(Self.version)
            w.string(subscriber); w.i64(at)
        case .circuitOpened(let subscriber, let at, let until):
            w.u8(Kind.circuitOpened.rawValue); w.u8(Self.version)
            w.string(subscriber); w.i64(at); w.i64(until)
        case .circuitClosed(let subscriber, let at):
            w.u8(Kind.circuitClosed.rawValue); w.u8(Self.version)
            w.string(subscriber); w.i64(at)
        case .redeliveryRequested(let id, let at, let n):
            w.u8(Kind.redeliveryRequested.rawValue); w.u8(Self.version)
            w.string(id); w.i64(at)
            // Optional and last: records written before it existed end after `at`.
            if let n { w.u8(1); w.string(n.id); w.string(n.type); w.i64(n.timestamp); w.blob(n.dataJSON) }
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(DeliveryEventDecodingError) -> DeliveryEvent {
        var r = WireReader(bytes, truncated: DeliveryEventDecodingError.truncated)
        let kindByte = try r.u8()
        let version = try r.u8()
        guard let kind = Kind(rawValue: kindByte) else { throw .unknownKind(kindByte) }
        guard version == Self.version else { throw .unsupportedVersion(kind: kindByte, version: version) }
        let event: DeliveryEvent
        switch kind {
        case .planned:
            let id = try r.string(), subscriber = try r.string(), at = try r.i64()
            event = .planned(deliveryID: id, subscriberID: subscriber, notification: try notification(&r), at: at)
        case .attemptStarted:
            event = .attemptStarted(deliveryID: try r.string(), attempt: try r.int(), at: try r.i64())
        case .attemptFinished:
            let id = try r.string(), attempt = try r.int(), at = try r.i64(), status = try r.int(), latency = try r.i64()
            let outcome: DeliveryOutcome
            switch try r.u8() {
            case 1: outcome = .delivered
            case 2: outcome = .retrying(error: try r.string(), nextAt: try r.i64())
            case 3: outcome = .failed(error: try r.string())
            case 4: outcome = .dead(error: try r.string())
            case 5: outcome = .notSent(reason: try r.string(), nextAt: try r.i64())
            case let other: throw .invalid("unknown attempt outcome \(other)")
            }
            event = .attemptFinished(deliveryID: id, attempt: attempt, at: at, status: status < 0 ? nil : status,
                                     latencyMs: latency, outcome: outcome)
        case .subscriberDisabled:
            event = .subscriberDisabled(subscriberID: try r.string(), reason: try r.string(), at: try r.i64())
        case .subscriberEnabled:
            event = .subscriberEnabled(subscriberID: try r.string(), at: try r.i64())
        case .circuitOpened:
            event = .circuitOpened(subscriberID: try r.string(), at: try r.i64(), until: try r.i64())
        case .circuitClosed:
            event = .circuitClosed(subscriberID: try r.string(), at: try r.i64())
        case .redeliveryRequested:
            let id = try r.string(), at = try r.i64()
            var carried: Notification?
            if !r.isAtEnd {
                guard try r.u8() == 1 else { throw .invalid("unknown notification flag") }
                carried = try notification(&r)
            }
            event = .redeliveryRequested(deliveryID: id, at: at, notification: carried)
        }
        guard r.isAtEnd else { throw .invalid("trailing bytes after a kind \(kindByte) event") }
        return event
    }

    private static func notification(_ r: inout WireReader<DeliveryEventDecodingError>) throws(DeliveryEventDecodingError) -> Notification {
        let nid = try r.string(), type = try r.string(), timestamp = try r.i64()
        let json = try r.blob()
        let data: JSONValue
        do { data = try JSONValue.parse(json) } catch { throw .invalid("notification data is not JSON") }
        var notification = Notification(id: nid, type: type, timestamp: timestamp, data: data)
        notification.encodedData = json
        return notification
    }
}

extension WireReader where Failure == DeliveryEventDecodingError {
    /// An i64 that must fit an Int (attempt numbers, statuses).
    mutating func int() throws(DeliveryEventDecodingError) -> Int {
        let v = try i64()
        guard let n = Int(exactly: v) else { throw .invalid("integer out of range") }
        return n
    }
}
