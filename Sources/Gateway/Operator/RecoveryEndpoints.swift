import HTTP1
import Notify
import Routing

/// The recovery verbs on the running server: `POST /replay/redrive`, `/replay/remap`,
/// `/deliveries/redeliver` and `/subscribers/{id}/enable`. They parse the same filters as
/// `gatehouse replay` and `gatehouse redeliver` and call the same planning code (`WorkRecovery`,
/// `DeliveryRecovery`); the difference from the offline verbs is only that the live action
/// engine and notifier take the requeued or planned work at once. A dry run is the default,
/// so a request that forgets the flag only lists.
enum RecoveryEndpoints {
    static func redrive(_ request: HTTPRequest, _ gateway: Gateway) throws -> HTTPResponse {
        let filter: WorkFilter
        let dryRun: Bool
        do {
            let p = try OperatorParameters(request, known: ["source", "api", "status", "since", "until", "dry_run"])
            var f = WorkFilter(source: try p.string("source"), api: try p.string("api"))
            if let names = try p.list("status") { f.statuses = try WorkFilter.redriveStatuses(names) }
            (f.since, f.until) = try p.timeRange()
            try gateway.checkFilter(f)
            filter = f
            dryRun = try p.flag("dry_run", default: true)
        } catch {
            return .text(.badRequest, "\(error)")
        }
        let work = try gateway.redrive(filter, dryRun: dryRun)
        return answer(dryRun: dryRun, list: "jobs", work.map(\.json))
    }

    /// Remaps through the server's routes folder as it is now, re-read for this request: the
    /// point is a route fixed after the fact, and the running router keeps the rules it
    /// loaded at start. Rules are never taken from the request: the token lets an operator
    /// recover work, not make the gateway call APIs with actions of their own.
    static func remap(_ request: HTTPRequest, _ gateway: Gateway) throws -> HTTPResponse {
        let filter: WorkFilter
        let dryRun: Bool
        do {
            let p = try OperatorParameters(request, known: ["source", "type", "since", "until", "dry_run"])
            var f = WorkFilter(source: try p.string("source"), eventType: try p.string("type"))
            (f.since, f.until) = try p.timeRange()
            try gateway.checkFilter(f)
            filter = f
            dryRun = try p.flag("dry_run", default: true)
        } catch {
            return .text(.badRequest, "\(error)")
        }
        let folder = gateway.configuration.routes
        let rules: [String: RouteRules]
        do { rules = try Gateway.loadRules(directory: folder) } catch {
            return .text(HTTPStatus(422), "the routes folder \(folder) cannot be used: \(error)")
        }
        let work = try gateway.remap(rules: rules, filter: filter, dryRun: dryRun)
        return answer(dryRun: dryRun, list: "jobs", work.map(\.json), extra: ["routes": .string(folder)])
    }

    /// One delivery by id, or a subscriber's deliveries by status and time range.
    static func redeliver(_ request: HTTPRequest, _ gateway: Gateway) -> HTTPResponse {
        let delivery: String?, subscriber: String?
        var statuses: Set<DeliveryStatus> = [.failed, .dead]
        let since: Int64?, until: Int64?
        let dryRun: Bool
        do {
            let p = try OperatorParameters(request, known: ["delivery", "subscriber", "status", "since", "until", "dry_run"])
            delivery = try p.string("delivery")
            subscriber = try p.string("subscriber")
            if let names = try p.list("status") { statuses = try PlannedDelivery.statuses(names) }
            (since, until) = try p.timeRange()
            dryRun = try p.flag("dry_run", default: true)
            switch (delivery, subscriber) {
            case (nil, nil):
                throw OperatorQueryError("give delivery (one delivery's id) or subscriber (with status, since, until)")
            case (_?, _?):
                throw OperatorQueryError("give delivery or subscriber, not both")
            case (_?, nil) where p.has("status") || since != nil || until != nil:
                throw OperatorQueryError("status, since and until go with subscriber, not with delivery")
            default:
                break
            }
        } catch {
            return .text(.badRequest, "\(error)")
        }
        if let delivery {
            guard let record = gateway.deliveryRecord(id: delivery) else {
                return .json(.notFound, JSONValue.object(["error": .string("no delivery with this id")]).serialized())
            }
            let item = PlannedDelivery(record)
            guard !dryRun else { return answer(dryRun: true, list: "deliveries", [item.json]) }
            guard gateway.hasSubscriber(record.subscriberID) else {
                return .text(HTTPStatus(409), "not requeued: its subscriber \"\(record.subscriberID)\" is no longer configured")
            }
            guard gateway.redeliver(deliveryID: delivery) else {
                return .text(HTTPStatus(409), "not requeued: an attempt of it is under way, or the log refused the record (see the gateway's log); try again")
            }
            return answer(dryRun: false, list: "deliveries", [item.json])
        }
        let id = subscriber ?? ""
        // Deliveries of a subscriber no longer configured could be listed but never sent.
        guard gateway.hasSubscriber(id) else {
            return .json(.notFound, JSONValue.object(["error": .string("no subscriber with this id is configured")]).serialized())
        }
        let items = gateway.plannedRedeliveries(subscriberID: id, from: since ?? 0, to: until ?? Int64.max,
                                                statuses: statuses, dryRun: dryRun)
        return answer(dryRun: dryRun, list: "deliveries", items.map(\.json))
    }

    /// Clears a disabled subscriber and its circuit. Not a bulk change, so no dry run.
    static func enable(subscriberID: String, _ request: HTTPRequest, _ gateway: Gateway) -> HTTPResponse {
        do { _ = try OperatorParameters(request, known: []) } catch { return .text(.badRequest, "\(error)") }
        guard gateway.hasSubscriber(subscriberID) else {
            return .json(.notFound, JSONValue.object(["error": .string("no subscriber with this id is configured")]).serialized())
        }
        gateway.enable(subscriberID: subscriberID)
        return .json(.ok, JSONValue.object(["subscriber": .string(subscriberID), "enable_requested": .bool(true)]).serialized(pretty: true))
    }

    private static func answer(dryRun: Bool, list name: String, _ items: [JSONValue], extra: [String: JSONValue] = [:]) -> HTTPResponse {
        var body: [String: JSONValue] = ["dry_run": .bool(dryRun), "count": .int(Int64(items.count)), name: .array(items)]
        for (key, value) in extra { body[key] = value }
        return .json(.ok, JSONValue.object(body).serialized(pretty: true))
    }
}
