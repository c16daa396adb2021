import Routing

/// `GET /events/{id}`: everything the log holds about one event, in log order. It reads
/// only that event's records (their offsets come from the fold's history index), so the
/// cost does not grow with the size of the log.
enum EventHistory {
    /// nil when no accepted event has this id (from `source`, when given).
    static func build(eventID: String, source: String?, includeBody: Bool, store: EventStore) throws -> JSONValue? {
        let entries = store.read { $0.historyOffsets(eventID: eventID) }
        var deliveries: [JSONValue] = []
        for entry in entries {
            guard let delivery = try deliveryHistory(entry.records, source: source, includeBody: includeBody, store: store) else { continue }
            deliveries.append(delivery)
        }
        guard !deliveries.isEmpty else { return nil }
        return .object(["event_id": .string(eventID), "deliveries": .array(deliveries)])
    }

    private static func deliveryHistory(_ offsets: [UInt64], source wanted: String?, includeBody: Bool, store: EventStore) throws -> JSONValue? {
        var delivery: [String: JSONValue] = [:]
        var history: [JSONValue] = []
        var plans: [String: JobPlan] = [:]
        var routed = false
        for offset in offsets {
            guard let event = try store.record(at: offset) else {
                history.append(.object(["kind": .string("missing"), "offset": .int(Int64(offset))]))
                continue
            }
            switch event {
            case .received(let e):
                if let wanted, e.source != wanted { return nil }
                delivery["source"] = .string(e.source)
                delivery["type"] = e.eventType.map(JSONValue.string) ?? .null
                delivery["received_at"] = .string(Clock.iso8601(milliseconds: e.receivedAt))
                delivery["offset"] = .int(Int64(offset))
                delivery["body_bytes"] = .int(Int64(e.body.count))
                delivery["content_type"] = e.contentType.map(JSONValue.string) ?? .null
                delivery["signed_at"] = e.signedAt.map { .string(Clock.iso8601(milliseconds: $0 * 1000)) } ?? .null
                if includeBody {
                    delivery["body"] = (try? JSONValue.parse(e.body)) ?? .string(String(decoding: e.body, as: UTF8.self))
                }
                var item: [String: JSONValue] = ["kind": .string("received"), "at": .string(Clock.iso8601(milliseconds: e.receivedAt)),
                                                 "offset": .int(Int64(offset)), "source": .string(e.source),
                                                 "type": e.eventType.map(JSONValue.string) ?? .null, "body_bytes": .int(Int64(e.body.count))]
                if e.routedAtIntake {
                    // Its source had no rules: this record is its routing, with no jobs.
                    item["routed_at_intake"] = .bool(true)
                    routed = true
                }
                history.append(.object(item))
            case .routed(let e), .remapped(let e):
                let kind: String
                if case .routed = event { kind = "routed"; routed = true } else { kind = "remapped" }
                for plan in e.jobs { plans[plan.id] = plan }
                history.append(.object([
                    "kind": .string(kind), "at": .string(Clock.iso8601(milliseconds: e.routedAt)), "offset": .int(Int64(offset)),
                    "rules": .array(e.jobs.map { .string($0.rule) }),
                    "jobs": .array(e.jobs.map { plan in
                        .object(["job": .string(plan.id), "rule": .string(plan.rule), "key": plan.key.map(JSONValue.string) ?? .null,
                                 "actions": .array(plan.actions.map { .object(["name": .string($0.name), "api": .string($0.api),
                                                                               "operation": .string($0.operation)]) })])
                    }),
                ]))
            case .delivery(let d):
                history.append(DeliveryHistory.item(d, offset: offset))
                continue
            case .retained:
                continue  // never part of one event's history
            case .requeued(let e):
                var item: [String: JSONValue] = ["kind": .string("requeued"), "job": .string(e.jobID),
                                                 "at": .string(Clock.iso8601(milliseconds: e.at)), "offset": .int(Int64(offset)),
                                                 "reason": .string(e.reason)]
                if let plan = plans[e.jobID] { item["rule"] = .string(plan.rule) }
                history.append(.object(item))
            case .attemptStarted(let e):
                var item = attemptFields(job: e.jobID, step: e.step, attempt: e.attempt, plans: plans)
                item["kind"] = .string("attempt_started")
                item["at"] = .string(Clock.iso8601(milliseconds: e.at))
                item["offset"] = .int(Int64(offset))
                history.append(.object(item))
            case .attemptFinished(let e):
                var item = attemptFields(job: e.jobID, step: e.step, attempt: e.attempt, plans: plans)
                item["kind"] = .string("attempt_finished")
                item["at"] = .string(Clock.iso8601(milliseconds: e.at))
                item["offset"] = .int(Int64(offset))
                item["status"] = e.status.map { .int(Int64($0)) } ?? .null
                item["latency_ms"] = .int(e.latencyMs)
                switch e.outcome {
                case .succeeded(let result, let note):
                    item["outcome"] = .string("succeeded")
                    item["result"] = result
                    if let note { item["note"] = .string(note) }
                case .retrying(let error, let next):
                    item["outcome"] = .string("retrying")
                    item["error"] = .string(error)
                    item["next_attempt_at"] = .string(Clock.iso8601(milliseconds: next))
                case .failed(let error):
                    item["outcome"] = .string("failed")
                    item["error"] = .string(error)
                case .dead(let error):
                    item["outcome"] = .string("dead")
                    item["error"] = .string(error)
                }
                history.append(.object(item))
            }
        }
        let jobs = store.read { s in plans.keys.sorted().compactMap { s.jobSummary($0) } }
        delivery["state"] = .string(EventState.derive(routed: routed, jobs: jobs.map(\.status)).rawValue)
        delivery["jobs"] = .array(jobs.map { job in
            .object(["job": .string(job.id), "rule": .string(job.rule), "status": .string(job.status.rawValue),
                     "step": .int(Int64(job.step)), "actions": .int(Int64(job.actionCount)),
                     "attempts": .int(Int64(job.attempts)), "last_error": job.lastError.map(JSONValue.string) ?? .null])
        })
        delivery["history"] = .array(history)
        return .object(delivery)
    }

    private static func attemptFields(job: String, step: Int, attempt: Int, plans: [String: JobPlan]) -> [String: JSONValue] {
        var item: [String: JSONValue] = ["job": .string(job), "step": .int(Int64(step)), "attempt": .int(Int64(attempt))]
        if let plan = plans[job] {
            item["rule"] = .string(plan.rule)
            if plan.actions.indices.contains(step) {
                item["action"] = .string(plan.actions[step].name)
                item["api"] = .string(plan.actions[step].api)
                item["operation"] = .string(plan.actions[step].operation)
            }
        }
        return item
    }
}
