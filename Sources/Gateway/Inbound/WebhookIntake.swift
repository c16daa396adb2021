import Routing
import EventLog
import Foundation
import HTTP1
import Notify
import Signing
import Synchronization

/// `POST /webhooks/{source}`: verify, dedupe, append durably, and only then answer 2xx.
/// Senders get terse answers; the operator log gets the precise reason.
public final class WebhookIntake: Sendable {
    private let catalog: SourceCatalog
    private let store: EventStore
    /// Subscribers to `event.received`: each event's plan is written in the event's own append.
    private let notifier: Notifier
    /// Deliveries whose append is in flight: a second copy of an event that is still being
    /// written waits for the first one's outcome instead of being written twice or
    /// acknowledged before it is durable. Lock order: this lock, then the store's.
    private let pending = Mutex(PendingWrites())
    public let counters = IntakeCounters()
    private let logger: Logger
    /// Called once a received event is durable (the router plans its actions).
    private let onDurable: @Sendable (ReceivedEvent, UInt64) -> Void

    init(catalog: SourceCatalog, store: EventStore, notifier: Notifier, logger: Logger,
         onDurable: @escaping @Sendable (ReceivedEvent, UInt64) -> Void) {
        self.catalog = catalog
        self.store = store
        self.notifier = notifier
        self.logger = logger
        self.onDurable = onDurable
    }

    func handle(source name: Substring, _ request: HTTPRequest, _ responder: HTTPResponder) {
        guard let source = catalog.sources[String(name)] else {
            responder.respond(.text(.notFound, "unknown source"))
            return
        }
        guard request.method == "POST" else {
            responder.respond(.text(.methodNotAllowed, headers: [("Allow", "POST")]))
            return
        }
        let verified: VerifiedDelivery
        switch source.verifier.verify(fields: { Self.field($0, in: request.headers) }, body: request.body, now: Clock.unixSeconds()) {
        case .success(let v):
            verified = v
        case .failure(let failure):
            counters.reject(source.name, Self.label(failure))
            logger.warning("webhook refused", [("source", source.name), ("reason", failure.reason),
                                               ("peer", request.peer?.description ?? "?")])
            responder.respond(.text(.unauthorized, "invalid signature"))
            return
        }
        let identity: (id: String, type: String?)
        do {
            identity = try Self.identify(request, verified, source)
        } catch let error as OverlongIdentifier {
            counters.reject(source.name, "identifier_too_long")
            logger.warning("webhook refused", [("source", source.name), ("reason", error.description)])
            responder.respond(.text(.badRequest, "event id, type or content type too long"))
            return
        } catch {
            counters.reject(source.name, "unreadable_body")
            logger.warning("webhook body unreadable", [("source", source.name), ("reason", "\(error)")])
            responder.respond(.text(.badRequest, "unreadable body"))
            return
        }
        let key = DedupeKey(source: source.name, eventID: identity.id)
        // An id from a header outside the signature can be changed by whoever replays a
        // captured delivery, so what the signature covers is a second key: either one known
        // makes a duplicate.
        let contentDigest = verified.signedContentDigest
        let contentKey = contentDigest.map { DedupeKey(source: source.name, contentDigest: $0) }
            .flatMap { $0 == key ? nil : $0 }  // the id already is that digest (no header, no id path)
        enum Admission { case new, waiting, duplicate }
        let admission: Admission = pending.withLock { writes in
            if writes.join(key, also: contentKey, responder) { return .waiting }
            if store.read({ $0.contains(key) || contentKey.map($0.contains) == true }) { return .duplicate }
            writes.start(key, also: contentKey, responder)
            return .new
        }
        switch admission {
        case .waiting: return  // answered with the first copy's outcome
        case .duplicate:
            counters.duplicate(source.name)
            responder.respond(Self.accepted(identity.id, duplicate: true))
            return
        case .new: break
        }
        let received = ReceivedEvent(
            source: source.name, eventID: identity.id, eventType: identity.type,
            receivedAt: Clock.unixMilliseconds(), signedAt: verified.timestamp,
            contentType: request.headers["content-type"], body: request.body, routedAtIntake: source.rules.rules.isEmpty,
            contentDigest: contentDigest)
        // The notification's plan goes into the same append as the event: acknowledged means
        // both are durable, and a crash keeps both or neither.
        let prepared = notifier.wants("event.received") ? notifier.prepare(NotificationFactory.received(received)) : nil
        store.append([.received(received)] + (prepared?.events.map(LogEvent.delivery) ?? [])) { [self] result in
            if let prepared { result.isSuccess ? notifier.admit(prepared) : notifier.release(prepared) }
            complete(key: key, result: result)
            if case .success(let offsets) = result { onDurable(received, offsets[0]) }
        }
    }

    private func complete(key: DedupeKey, result: Result<[UInt64], LogError>) {
        let waiters = pending.withLock { $0.finish(key) }
        let response: HTTPResponse
        switch result {
        case .success:
            response = Self.accepted(key.eventID, duplicate: false)
            if waiters.count > 1 { for _ in 1..<waiters.count { counters.duplicate(key.source) } }
        case .failure(.overloaded):
            // Each copy waiting on this write gets the same 503, and is counted as refused.
            for _ in waiters { counters.reject(key.source, "overloaded") }
            response = .text(.serviceUnavailable, "busy, retry later", headers: [("Retry-After", "1")])
        case .failure(let error):
            for _ in waiters { counters.reject(key.source, "log_unavailable") }
            logger.error("log append failed; answering 503", [("source", key.source), ("error", "\(error)")])
            response = .text(.serviceUnavailable, "temporarily unavailable", headers: [("Retry-After", "5")])
        }
        for (i, waiter) in waiters.enumerated() {
            waiter.respond(i == 0 ? response : (response.status.isSuccess ? Self.accepted(key.eventID, duplicate: true) : response))
        }
    }

    /// `{"event_id":…,"status":…}`, the bytes `JSONValue.object(…).serialized()` gives (keys
    /// sorted), written directly: every webhook gets one, and the tree cost more than the rest.
    static func accepted(_ id: String, duplicate: Bool) -> HTTPResponse {
        var body: [UInt8] = []
        body.reserveCapacity(40 + id.utf8.count)
        body.append(contentsOf: #"{"event_id":"#.utf8)
        JSONValue.appendQuoted(id, to: &body)
        body.append(contentsOf: (duplicate ? #","status":"duplicate"}"# : #","status":"accepted"}"#).utf8)
        return .json(.ok, body)
    }

    /// The event's id (scheme header, configured body path, else the body's SHA-256) and type.
    static func identify(_ request: HTTPRequest, _ verified: VerifiedDelivery, _ source: Source) throws -> (String, String?) {
        var fields: [String?] = []
        // A source with rules reads its body as JSON to route it: one that is not is refused
        // here (400), not accepted and then routed as nothing (the reader checks the whole
        // document, also with no field to read).
        if source.needsBody || !source.rules.rules.isEmpty {
            do { fields = try source.bodyFields.scalarTexts(in: request.body) } catch { throw ConfigurationError("body is not JSON") }
        }
        var id = verified.eventId
        if id == nil, let path = source.idPath {
            guard let value = fields[0], !value.isEmpty else { throw ConfigurationError("no event id at \(path)") }
            id = value
        }
        let type = source.typeHeader.flatMap { request.headers[$0] } ?? (source.typePath != nil ? fields[fields.count - 1] : nil)
        // Both go into the record beside the body (and the id into every index): unbounded, a
        // long one could push the record past the log's limit, a 503 the sender retries forever.
        if let id, id.utf8.count > maxIdentifierBytes { throw OverlongIdentifier(field: "event id", bytes: id.utf8.count) }
        if let type, type.utf8.count > maxIdentifierBytes { throw OverlongIdentifier(field: "event type", bytes: type.utf8.count) }
        // The content type goes into the record too, and a header may be up to max_header_bytes.
        if let contentType = request.headers["content-type"], contentType.utf8.count > maxIdentifierBytes {
            throw OverlongIdentifier(field: "content type", bytes: contentType.utf8.count)
        }
        // Without an id, the digest of what is signed: for a scheme with an unsigned id header,
        // the same second key its deliveries with the header carry, so dropping the header
        // from a replay does not make it new.
        return (id ?? DedupeKey.contentID(verified.signedContentDigest ?? SHA256Digest.hash(request.body)), type)
    }

    static let maxIdentifierBytes = 1024

    /// An id or type past `maxIdentifierBytes`, from a header or the body: refused on its own
    /// count, so it is not taken for a body the source's rules cannot read.
    struct OverlongIdentifier: Error, CustomStringConvertible {
        let field: String
        let bytes: Int
        var description: String { "\(field) is \(bytes) bytes, longer than \(WebhookIntake.maxIdentifierBytes)" }
    }

    static func field(_ name: String, in headers: HTTPHeaders) -> HeaderField {
        let (value, repeated) = headers.firstAndRepeated(name)
        if repeated { return .repeated }
        return value.map(HeaderField.value) ?? .absent
    }

    static func label(_ failure: VerificationFailure) -> String {
        switch failure {
        case .missingHeader: return "missing_signature"
        case .malformedHeader: return "malformed_signature"
        case .repeatedHeader: return "repeated_header"
        case .timestampOutOfTolerance: return "stale_timestamp"
        case .signatureMismatch: return "bad_signature"
        case .noKeys: return "no_keys"
        }
    }
}
