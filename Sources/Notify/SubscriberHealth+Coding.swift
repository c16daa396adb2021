import Wire

/// Subscriber standing in the wire layout, for the gateway's retention record: once the
/// delivery records behind it are gone from the log, the standing itself is what survives.
extension SubscriberHealth {
    public func encode(into w: inout WireWriter) {
        w.u8(disabled ? 1 : 0)
        w.optionalString(disabledReason)
        Self.optional(disabledAt, into: &w)
        switch circuit {
        case .closed: w.u8(0); w.i64(0)
        case .open(let until): w.u8(1); w.i64(until)
        }
        w.i64(Int64(consecutiveFailures))
        Self.optional(failingSince, into: &w)
        Self.optional(lastDeliveredAt, into: &w)
        for n in [counts.pending, counts.failing, counts.delivered, counts.failed, counts.dead] { w.i64(Int64(n)) }
    }

    public static func decode<E: Error>(_ r: inout WireReader<E>) throws(E) -> SubscriberHealth {
        var h = SubscriberHealth()
        h.disabled = try r.u8() == 1
        h.disabledReason = try r.optionalString()
        h.disabledAt = try optional(&r)
        let open = try r.u8() == 1
        let until = try r.i64()
        h.circuit = open ? .open(until: until) : .closed
        h.consecutiveFailures = Int(try r.i64())
        h.failingSince = try optional(&r)
        h.lastDeliveredAt = try optional(&r)
        h.counts.pending = Int(try r.i64())
        h.counts.failing = Int(try r.i64())
        h.counts.delivered = Int(try r.i64())
        h.counts.failed = Int(try r.i64())
        h.counts.dead = Int(try r.i64())
        return h
    }

    private static func optional(_ v: Int64?, into w: inout WireWriter) {
        w.u8(v == nil ? 0 : 1)
        w.i64(v ?? 0)
    }

    private static func optional<E: Error>(_ r: inout WireReader<E>) throws(E) -> Int64? {
        let present = try r.u8() == 1
        let value = try r.i64()
        return present ? value : nil
    }
}
