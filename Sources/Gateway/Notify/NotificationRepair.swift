import Notify

/// A notification's `planned` records are written in the same append as the record it
/// reports (a received event, an action's final outcome), so a crash keeps both or neither,
/// with one exception: the log's last append can be cut short (a SIGKILL inside its write, a
/// power cut before its sync), keeping the record and losing some or all of its plans. The
/// record was never acknowledged, so nothing else brings them back: a resent webhook is a
/// duplicate, and a finished job is not run again.
///
/// At start, before the notifier takes its deliveries from the fold, this looks at the log's
/// final append and plans, in a write of its own, what is missing of it: for the subscribers
/// configured now, under the notification the surviving plans carry (or a new one if none did).
enum NotificationRepair {
    /// Plans the deliveries the log's final append lost, and waits until they are durable.
    /// `window`: how far before the end the final append can start (its largest record and its
    /// plans). Returns how many deliveries it planned.
    static func run(store: EventStore, notifier: Notifier, window: UInt64, logger: Logger) throws -> Int {
        guard let last = try finalReport(store: store, window: window),
              let (notification, explicit) = try notification(for: last, store: store) else { return 0 }
        // The lanes learn who is disabled only when the notifier starts; the fold knows now.
        let disabled = store.read { s in Set(s.deliveries.subscribers.filter { $0.value.disabled }.keys) }
        guard let prepared = notifier.prepare(notification, to: explicit, excluding: disabled) else { return 0 }
        // Recorded only: the notifier resumes every open delivery from the fold when it starts.
        defer { notifier.release(prepared) }
        try store.appendAndWait(prepared.events.map(LogEvent.delivery))
        logger.warning("the log's last append was cut short; planned the deliveries it lost",
                       [("notification", notification.id), ("type", notification.type), ("deliveries", "\(prepared.events.count)")])
        return prepared.events.count
    }

    /// The last record that reports something, with the plans after it, if nothing but plans
    /// follows it to the end of the log (so it is the final append's).
    struct Report {
        let offset: UInt64
        let event: LogEvent
        let surviving: Notification?
    }

    static func finalReport(store: EventStore, window: UInt64) throws -> Report? {
        let end = store.log.durableEnd
        let from = max(store.log.firstOffset, end > window ? end - window : 0)
        var found: UInt64?
        // The record at `found`, decoded (without its body) once a plan needs comparing to it.
        var report: LogEvent?
        var surviving: Notification?
        func read(_ offset: UInt64) throws -> LogEvent? {
            var event: LogEvent?
            try store.log.readRecords(at: [offset]) { _, payload in event = try LogEvent.decode(Array(payload), withBody: false) }
            return event
        }
        // Only small records are decoded on the way: a received event is known by its kind byte.
        try store.log.readBorrowed(from: from, verifiedAtOpen: true) { offset, payload in
            switch payload.first.flatMap(LogEvent.Kind.init(rawValue:)) {
            case .received?:
                (found, report, surviving) = (offset, nil, nil)
            case .attemptFinished?:
                guard case .attemptFinished(let finished) = try LogEvent.decode(Array(payload)), !finished.isRetrying else {
                    found = nil
                    return true
                }
                (found, report, surviving) = (offset, .attemptFinished(finished), nil)
            case .delivery? where found != nil:
                // Only a plan of the report's own notification is part of its append (logs from
                // before plans were written with their record can hold another one's here).
                if report == nil, let found { report = try read(found) }
                guard case .delivery(.planned(_, _, let notification, _)) = try LogEvent.decode(Array(payload)),
                      let report, plans(notification, report) else {
                    found = nil
                    return true
                }
                surviving = surviving ?? notification
            default:
                found = nil
            }
            return true
        }
        guard let found, let event = try report ?? read(found) else { return nil }
        return Report(offset: found, event: event, surviving: surviving)
    }

    /// Whether `notification` is the one `report` reports: the event's, or the job's.
    private static func plans(_ notification: Notification, _ report: LogEvent) -> Bool {
        switch report {
        case .received(let e):
            return notification.type == "event.received" && notification.data[path: "event_id"] == .string(e.eventID)
                && notification.data[path: "source"] == .string(e.source)
        case .attemptFinished(let f):
            return notification.type.hasPrefix("action.") && notification.data[path: "job"] == .string(f.jobID)
        default:
            return false
        }
    }

    /// What the reported record's notification is, and the subscribers its route names.
    private static func notification(for report: Report, store: EventStore) throws -> (Notification, [String])? {
        switch report.event {
        case .received(let event):
            return (report.surviving ?? NotificationFactory.received(event), [])
        case .attemptFinished(let finished):
            guard let (plan, source, eventID) = try job(finished.jobID, store: store),
                  let built = NotificationFactory.outcome(plan, source: source, eventID: eventID, finished) else { return nil }
            return (report.surviving ?? built, plan.notify)
        default:
            return nil
        }
    }

    /// A job's plan and event, held whole or read back from its event's `routed` record.
    private static func job(_ id: String, store: EventStore) throws -> (JobPlan, String, String)? {
        let (held, summary) = store.read { s in (s.jobs[id], s.jobSummary(id)) }
        if let held { return (held.plan, held.source, held.eventID) }
        guard let summary else { return nil }
        let offsets = store.read { $0.historyOffsets(received: summary.eventOffset) }
        var event: ReceivedEvent?
        var plan: JobPlan?
        try store.log.readRecords(at: offsets) { _, payload in
            switch try LogEvent.decode(Array(payload)) {
            case .received(let e): event = e
            case .routed(let r), .remapped(let r): plan = r.jobs.first { $0.id == id } ?? plan
            default: break
            }
        }
        guard let plan, let event else { return nil }
        return (plan, event.source, event.eventID)
    }
}
