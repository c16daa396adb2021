import Notify
import Wire

/// The notifier's journal is the gateway's log: delivery steps are log events like any
/// other state change, folded into `GatewayState.deliveries` in log order.
///
/// The fold settles delivered deliveries to an outline (see `DeliveryOutline`); this journal
/// reads the rest of one back from its `planned` record when the notifier asks for it (a
/// redelivery), so the notifier still sees every delivery whole.
struct LogDeliveryJournal: DeliveryJournal {
    let store: EventStore

    func record(_ events: [DeliveryEvent], then: @escaping @Sendable (Bool) -> Void) {
        store.append(events.map { .delivery($0) }) { result in then(result.isSuccess) }
    }

    func state() -> DeliveryState { store.read { $0.deliveries } }

    var bulkRecordLimit: Int { store.bulkChunk }

    func delivery(id: String) -> DeliveryRecord? {
        let (held, outline) = store.read { s in (s.deliveries.deliveries[id], s.settledDelivery(id)) }
        if let held { return held }
        guard let outline, let record = try? settledRecords([outline]).first, record.id == id else { return nil }
        return record
    }

    /// From the fold alone: a settled delivery is known by its outline, with no log read that
    /// could fail and let a delivered notification be planned and sent again.
    func knows(id: String) -> Bool {
        store.read { s in s.deliveries.deliveries[id] != nil || s.settledDelivery(id) != nil }
    }

    func deliveries(subscriberID: String, from: Int64, to: Int64, statuses: Set<DeliveryStatus>) -> [DeliveryRecord] {
        let (held, outlines) = store.read { s in
            (Array(s.deliveries.deliveries.values), statuses.contains(.delivered) ? s.settledDeliveryOutlines() : [])
        }
        let admits = { (r: DeliveryRecord) in
            r.subscriberID == subscriberID && r.plannedAt >= from && r.plannedAt <= to && statuses.contains(r.status)
        }
        // Settled ones are read back from their plans: a walk over the log, as befits an
        // operator's search, but only the plans of this subscriber in the range are decoded.
        let settled = (try? settledRecords(outlines) { subscriber, at in
            at >= from && at <= to && subscriber.elementsEqual(subscriberID.utf8)
        }) ?? []
        return held.filter(admits) + settled.filter(admits)
    }

    /// Delivered records rebuilt from their `planned` records, in log order; with `wanted`,
    /// only those whose subscriber and plan time it admits (read from the record's first
    /// fields, before its notification is parsed).
    private func settledRecords(_ outlines: [DeliveryOutline],
                                wanted: ((UnsafeRawBufferPointer, Int64) -> Bool)? = nil) throws -> [DeliveryRecord] {
        let sorted = outlines.sorted { $0.planned < $1.planned }
        var attempts: [UInt64: Int] = [:]
        for o in sorted { attempts[o.planned] = o.attempts }
        var records: [DeliveryRecord] = []
        try store.log.readRecords(at: sorted.map(\.planned)) { offset, payload in
            if let wanted, let (subscriber, at) = Self.plannedHead(payload), !wanted(subscriber, at) { return }
            guard case .delivery(.planned(let id, let subscriber, let notification, let at))? = try? LogEvent.decode(Array(payload)) else { return }
            records.append(.delivered(id: id, subscriberID: subscriber, notification: notification, plannedAt: at, attempts: attempts[offset] ?? 0))
        }
        return records
    }

    /// The subscriber and time of a `planned` delivery record, without decoding the rest:
    /// the log's delivery wrapper (kind, version, blob), then the delivery event's own kind,
    /// version, id, subscriber and time.
    private static func plannedHead(_ payload: UnsafeRawBufferPointer) -> (UnsafeRawBufferPointer, Int64)? {
        var outer = WireCursor(payload)
        guard outer.u8() == LogEvent.Kind.delivery.rawValue, outer.u8() != nil, let inner = outer.blob() else { return nil }
        var r = WireCursor(inner)
        guard r.u8() != nil, r.u8() != nil, r.blob() != nil, let subscriber = r.blob(), let at = r.i64() else { return nil }
        return (subscriber, at)
    }
}
