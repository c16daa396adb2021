/// Which past work an operator means: by source, event type, API, job status and a time
/// range (unix ms; for re-drive the time the job failed, for remap the time the event arrived).
public struct WorkFilter: Sendable {
    public var source: String?
    public var eventType: String?
    public var api: String?
    public var statuses: Set<JobState.Status>
    public var since: Int64?
    public var until: Int64?

    public init(source: String? = nil, eventType: String? = nil, api: String? = nil,
                statuses: Set<JobState.Status> = [.failed, .dead], since: Int64? = nil, until: Int64? = nil) {
        self.source = source
        self.eventType = eventType
        self.api = api
        self.statuses = statuses
        self.since = since
        self.until = until
    }

    func admits(time: Int64?) -> Bool {
        guard let time else { return since == nil && until == nil }
        if let since, time < since { return false }
        if let until, time > until { return false }
        return true
    }
}
