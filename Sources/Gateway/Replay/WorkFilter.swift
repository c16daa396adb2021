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

    /// The statuses a re-drive can act on: a job that failed or died is finished, so sending
    /// it back cannot race the engine; pending and succeeded jobs are left alone.
    public static let redrivable: Set<JobState.Status> = [.failed, .dead]

    /// `failed`, `dead` or both, as named on the command line or in a request; the error
    /// says what is accepted, for the CLI's usage message and the endpoint's 400.
    public static func redriveStatuses(_ names: [String]) throws(RecoveryFilterError) -> Set<JobState.Status> {
        let known = redrivable.map(\.rawValue).sorted()
        guard !names.isEmpty else { throw RecoveryFilterError("status needs at least one of \(known.joined(separator: ", "))") }
        var statuses: Set<JobState.Status> = []
        for name in names {
            guard let status = JobState.Status(rawValue: name), redrivable.contains(status) else {
                throw RecoveryFilterError("status \"\(name)\" cannot be re-driven (use \(known.joined(separator: ", ")))")
            }
            statuses.insert(status)
        }
        return statuses
    }

    /// A range that ends before it starts is almost surely swapped arguments: refused rather
    /// than answered with an empty list that looks like "nothing to do".
    public static func checkRange(since: Int64?, until: Int64?) throws(RecoveryFilterError) {
        if let since, let until, since > until { throw RecoveryFilterError("since is after until") }
    }

    func admits(time: Int64?) -> Bool {
        guard let time else { return since == nil && until == nil }
        if let since, time < since { return false }
        if let until, time > until { return false }
        return true
    }
}
