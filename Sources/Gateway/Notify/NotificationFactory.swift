import Notify
import Routing

/// What subscribers are told, built from the gateway's own records. Data carries the source,
/// event id, rule, action and the ids an API returned, or the error text: never a secret
/// (credentials never reach these records in the first place).
enum NotificationFactory {
    static func received(_ e: ReceivedEvent) -> Notify.Notification {
        Notify.Notification(type: "event.received", timestamp: Clock.unixMilliseconds(), data: .object([
            "source": .string(e.source), "event_id": .string(e.eventID),
            "event_type": e.eventType.map(JSONValue.string) ?? .null,
            "received_at": .string(Clock.iso8601(milliseconds: e.receivedAt)),
        ]))
    }

    /// nil for outcomes nobody is told about (a retry is not news; its final outcome is).
    static func outcome(_ job: JobState, _ finished: AttemptFinished) -> Notify.Notification? {
        outcome(job.plan, source: job.source, eventID: job.eventID, finished)
    }

    /// As above, from the job's plan and its event (a settled job is no longer held whole).
    static func outcome(_ plan: JobPlan, source: String, eventID: String, _ finished: AttemptFinished) -> Notify.Notification? {
        guard finished.step < plan.actions.count else { return nil }
        let action = plan.actions[finished.step]
        var data: [String: JSONValue] = [
            "source": .string(source), "event_id": .string(eventID), "rule": .string(plan.rule),
            "job": .string(plan.id), "action": .string(action.name), "api": .string(action.api),
            "operation": .string(action.operation), "attempts": .int(Int64(finished.attempt)),
            "status": finished.status.map { .int(Int64($0)) } ?? .null,
        ]
        let type: String
        switch finished.outcome {
        case .succeeded(let result, let note):
            type = "action.succeeded"
            data["result"] = result
            data["note"] = note.map(JSONValue.string) ?? .null
        case .failed(let error):
            type = "action.failed"
            data["error"] = .string(error)
        case .dead(let error):
            type = "action.dead"
            data["error"] = .string(error)
        case .retrying:
            return nil
        }
        return Notify.Notification(type: type, timestamp: finished.at, data: .object(data))
    }
}
