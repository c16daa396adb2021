import Notify
import Routing
import Wire

/// Every state change of the gateway, as written to the log. The in-memory state is a fold
/// over these (see `GatewayState.apply`). A payload starts with its kind and a version byte
/// so later releases can add kinds and fields while still reading old logs.
public enum LogEvent: Sendable, Equatable {
    case received(ReceivedEvent)
    case routed(RoutedEvent)
    case attemptStarted(AttemptStarted)
    case attemptFinished(AttemptFinished)
    /// An operator sent a failed or dead job back to work (`replay --redrive`).
    case requeued(JobRequeued)
    /// Today's routes planned jobs for an event already routed (`replay --remap`).
    case remapped(RoutedEvent)
    /// A step of an outbound notification's delivery (see the Notify module's own layout).
    case delivery(DeliveryEvent)
    /// Retention forgot what lived only in segments before a point (see `RetentionMark`).
    case retained(RetentionMark)

    enum Kind: UInt8 {
        case received = 1, routed = 2, attemptStarted = 3, attemptFinished = 4, requeued = 5, remapped = 6, delivery = 7, retained = 8
    }

    public func encoded() -> [UInt8] {
        // A received event is mostly its body: reserving for it up front saves growing the
        // buffer three or four times (with a copy each) for every webhook.
        var capacity = 256
        if case .received(let e) = self { capacity += e.body.count }
        var w = WireWriter(capacity: capacity)
        switch self {
        case .received(let e):
            // Version 2 adds a flags byte before the body; version 1 (no flags) is still written
            // when there are none, so logs without routing-at-intake stay readable by older builds.
            let flags = (e.routedAtIntake ? ReceivedFlags.routedAtIntake : 0) | (e.contentDigest != nil ? ReceivedFlags.contentKeyed : 0)
            w.u8(Kind.received.rawValue); w.u8(flags != 0 ? 2 : 1)
            w.string(e.source); w.string(e.eventID); w.optionalString(e.eventType); w.i64(e.receivedAt)
            w.u8(e.signedAt == nil ? 0 : 1); w.i64(e.signedAt ?? 0)
            w.optionalString(e.contentType)
            if flags != 0 { w.u8(flags) }
            if let digest = e.contentDigest { w.blob(digest) }
            w.blob(e.body)
        case .routed(let e), .remapped(let e):
            if case .routed = self { w.u8(Kind.routed.rawValue) } else { w.u8(Kind.remapped.rawValue) }
            w.u8(1)
            w.u64(e.eventOffset); w.string(e.source); w.string(e.eventID); w.i64(e.routedAt)
            w.blob(JobPlanCoding.encode(e.jobs))
        case .requeued(let e):
            w.u8(Kind.requeued.rawValue); w.u8(1)
            w.string(e.jobID); w.i64(e.at); w.string(e.reason)
        case .delivery(let e):
            w.u8(Kind.delivery.rawValue); w.u8(1)
            w.blob(e.encoded())
        case .retained(let e):
            w.u8(Kind.retained.rawValue); w.u8(1)
            w.u64(e.before); w.u64(e.dedupeFloor); w.i64(e.at)
            w.u64(UInt64(e.subscribers.count))
            for (id, health) in e.subscribers.sorted(by: { $0.key < $1.key }) {
                w.string(id)
                health.encode(into: &w)
            }
        case .attemptStarted(let e):
            w.u8(Kind.attemptStarted.rawValue); w.u8(1)
            w.string(e.jobID); w.i64(Int64(e.step)); w.i64(Int64(e.attempt)); w.i64(e.at)
        case .attemptFinished(let e):
            w.u8(Kind.attemptFinished.rawValue); w.u8(1)
            w.string(e.jobID); w.i64(Int64(e.step)); w.i64(Int64(e.attempt)); w.i64(e.at); w.i64(e.latencyMs)
            w.i64(Int64(e.status ?? -1))
            switch e.outcome {
            case .succeeded(let result, let note): w.u8(1); w.blob(result.serialized()); w.optionalString(note)
            case .retrying(let error, let next): w.u8(2); w.string(error); w.i64(next)
            case .failed(let error): w.u8(3); w.string(error)
            case .dead(let error): w.u8(4); w.string(error)
            }
        }
        return w.bytes
    }

    /// `withBody: false` leaves received events' bodies empty: the fold never needs them, and
    /// copying a kilobyte per record was a large part of a restart.
    public static func decode(_ payload: [UInt8], withBody: Bool = true) throws(LogEventDecodingError) -> LogEvent {
        var r = WireReader(payload, truncated: LogEventDecodingError.truncated)
        let kindByte = try r.u8()
        let version = try r.u8()
        guard let kind = Kind(rawValue: kindByte) else { throw .unknownKind(kindByte) }
        guard version == 1 || (kind == .received && version == 2) else { throw .unsupportedVersion(kind: kindByte, version: version) }
        switch kind {
        case .received:
            let source = try r.string(), id = try r.string(), type = try r.optionalString(), receivedAt = try r.i64()
            let hasSignedAt = try r.u8() == 1
            let signedAt = try r.i64()
            let contentType = try r.optionalString()
            let flags = version == 2 ? try r.u8() : 0
            guard flags & ~ReceivedFlags.known == 0 else { throw .unknownFlags(kind: kindByte, flags: flags) }
            let digest = flags & ReceivedFlags.contentKeyed != 0 ? try r.blob() : nil
            if let digest, digest.count != 32 { throw .truncated }
            let body = withBody ? try r.blob() : []
            return .received(ReceivedEvent(source: source, eventID: id, eventType: type, receivedAt: receivedAt,
                                           signedAt: hasSignedAt ? signedAt : nil, contentType: contentType, body: body,
                                           routedAtIntake: flags & ReceivedFlags.routedAtIntake != 0, contentDigest: digest))
        case .routed, .remapped:
            let offset = try r.u64(), source = try r.string(), id = try r.string(), at = try r.i64()
            let jobs = try JobPlanCoding.decode(try r.blob())
            let event = RoutedEvent(eventOffset: offset, source: source, eventID: id, jobs: jobs, routedAt: at)
            return kind == .routed ? .routed(event) : .remapped(event)
        case .requeued:
            return .requeued(JobRequeued(jobID: try r.string(), at: try r.i64(), reason: try r.string()))
        case .delivery:
            do { return .delivery(try DeliveryEvent.decode(try r.blob())) } catch { throw .truncated }
        case .retained:
            let before = try r.u64(), floor = try r.u64(), at = try r.i64(), count = try r.u64()
            guard count <= UInt64(payload.count) else { throw .truncated }
            var subscribers: [String: SubscriberHealth] = [:]
            for _ in 0..<count {
                let id = try r.string()
                let health = try SubscriberHealth.decode(&r)
                // As a snapshot's: a count near Int.max would trap the fold's next increment.
                let counts = [health.consecutiveFailures, health.counts.pending, health.counts.failing, health.counts.delivered,
                              health.counts.failed, health.counts.dead]
                guard counts.allSatisfy({ $0.magnitude <= StateSnapshot.maxCount }) else { throw .outOfRange("a subscriber count") }
                subscribers[id] = health
            }
            return .retained(RetentionMark(before: before, dedupeFloor: floor, at: at, subscribers: subscribers))
        case .attemptStarted:
            return .attemptStarted(AttemptStarted(jobID: try r.string(), step: Int(try r.i64()), attempt: Int(try r.i64()), at: try r.i64()))
        case .attemptFinished:
            let job = try r.string(), step = Int(try r.i64()), attempt = Int(try r.i64()), at = try r.i64(), latency = try r.i64()
            let statusRaw = try r.i64()
            let outcome: AttemptFinished.Outcome
            switch try r.u8() {
            case 1:
                let result = (try? JSONValue.parse(try r.blob())) ?? .null
                outcome = .succeeded(result: result, note: try r.optionalString())
            case 2: outcome = .retrying(error: try r.string(), nextAttemptAt: try r.i64())
            case 3: outcome = .failed(error: try r.string())
            case 4: outcome = .dead(error: try r.string())
            case let other: throw .unknownKind(other)
            }
            return .attemptFinished(AttemptFinished(jobID: job, step: step, attempt: attempt, at: at, latencyMs: latency,
                                                    status: statusRaw < 0 ? nil : Int(statusRaw), outcome: outcome))
        }
    }
}
