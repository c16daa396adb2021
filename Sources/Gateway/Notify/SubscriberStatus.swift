import Notify
import Routing

/// Each subscriber as `/status` shows it: delivery counts, circuit, disabled and why.
enum SubscriberStatus {
    static func json(_ state: borrowing GatewayState, configured: [String], now: Int64 = Clock.unixMilliseconds()) -> JSONValue {
        var out: [String: JSONValue] = [:]
        for id in Set(configured).union(state.deliveries.subscribers.keys) {
            let h = state.deliveries.subscribers[id] ?? SubscriberHealth()
            let circuit: String
            switch h.circuit {
            case .closed: circuit = "closed"
            case .open: circuit = h.circuit.isHalfOpen(now: now) ? "half_open" : "open"
            }
            out[id] = .object([
                "pending": .int(Int64(h.counts.pending)), "failing": .int(Int64(h.counts.failing)),
                "delivered": .int(Int64(h.counts.delivered)), "failed": .int(Int64(h.counts.failed)), "dead": .int(Int64(h.counts.dead)),
                "circuit": .string(circuit), "disabled": .bool(h.disabled),
                "disabled_reason": h.disabledReason.map(JSONValue.string) ?? .null,
                "failing_since": h.failingSince.map { .string(Clock.iso8601(milliseconds: $0)) } ?? .null,
                "configured": .bool(configured.contains(id)),
            ])
        }
        return .object(out)
    }
}
