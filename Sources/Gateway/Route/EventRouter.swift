import Routing

/// Turns a received event into job plans: every rule of its source that matches, with the
/// rule's actions copied in. Job ids derive from the event's log offset and the rule's
/// position, so routing the same event twice yields the same ids.
struct EventRouter: Sendable {
    let rules: [String: RouteRules]

    func plan(_ event: ReceivedEvent, offset: UInt64) -> [JobPlan] {
        guard let route = rules[event.source], !route.rules.isEmpty else { return [] }
        let body = (try? JSONValue.parse(event.body)) ?? .null
        let context = TemplateRenderer.context(body: body, eventID: event.eventID, eventType: event.eventType,
                                               source: event.source, receivedAt: Clock.iso8601(milliseconds: event.receivedAt), actions: [:])
        var plans: [JobPlan] = []
        for (index, rule) in route.rules.enumerated() where rule.matches(eventType: event.eventType, body: body) {
            // A key that cannot be rendered leaves the job unordered rather than dropping it.
            let key = (try? rule.renderKey(context: context)) ?? nil
            plans.append(JobPlan(id: "job_\(offset)_\(index)", rule: rule.name, key: key.map { "\(event.source):\($0)" },
                                 actions: rule.actions, notify: rule.notify))
        }
        return plans
    }
}
