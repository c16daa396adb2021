import Notify
import Routing

/// How a delivery step reads in an event's history (`GET /events/{id}`).
enum DeliveryHistory {
    static func item(_ event: DeliveryEvent, offset: UInt64) -> JSONValue {
        var item: [String: JSONValue] = ["offset": .int(Int64(offset))]
        switch event {
        case .planned(let id, let subscriber, let notification, let at):
            item["kind"] = .string("notification_planned")
            item["delivery"] = .string(id)
            item["subscriber"] = .string(subscriber)
            item["type"] = .string(notification.type)
            item["at"] = .string(Clock.iso8601(milliseconds: at))
        case .attemptStarted(let id, let attempt, let at):
            item["kind"] = .string("notification_attempt_started")
            item["delivery"] = .string(id)
            item["attempt"] = .int(Int64(attempt))
            item["at"] = .string(Clock.iso8601(milliseconds: at))
        case .attemptFinished(let id, let attempt, let at, let status, let latency, let outcome):
            item["kind"] = .string("notification_attempt_finished")
            item["delivery"] = .string(id)
            item["attempt"] = .int(Int64(attempt))
            item["at"] = .string(Clock.iso8601(milliseconds: at))
            item["status"] = status.map { .int(Int64($0)) } ?? .null
            item["latency_ms"] = .int(latency)
            item["outcome"] = .string(label(outcome))
            item["error"] = outcome.error.map(JSONValue.string) ?? .null
        case .redeliveryRequested(let id, let at, _):
            item["kind"] = .string("notification_redelivery_requested")
            item["delivery"] = .string(id)
            item["at"] = .string(Clock.iso8601(milliseconds: at))
        default:
            item["kind"] = .string("subscriber_change")
        }
        return .object(item)
    }

    static func label(_ outcome: DeliveryOutcome) -> String {
        switch outcome {
        case .delivered: return "delivered"
        case .retrying: return "retrying"
        case .failed: return "failed"
        case .dead: return "dead"
        case .notSent: return "not_sent"
        }
    }
}
