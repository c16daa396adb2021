import Routing

/// Jobs as the operator's views see them, whether held whole (`jobs`) or settled.
extension GatewayState {
    /// Where job `id` stands, whether held whole or settled.
    public func jobSummary(_ id: String) -> JobSummary? {
        jobs[id].map(JobSummary.init) ?? settled.summary(of: id)
    }

    /// The actions of job `id`, whether held whole or settled.
    public func jobActions(_ id: String) -> [ActionTemplate]? {
        jobs[id]?.plan.actions ?? settled.find(id)?.shape.actions
    }

    /// Every job the fold knows, held whole or settled, in id order. A walk over all of
    /// them: for the offline replay and tests, not for a request path.
    public func allJobSummaries() -> [JobSummary] {
        var all = jobs.values.map(JobSummary.init)
        settled.forEach { id, offset, shape in
            let id = id()
            all.append(JobSummary(settled: id, shape: shape, eventOffset: offset, lastError: settled.failures[id]?.error))
        }
        return all.sorted { $0.id < $1.id }
    }

    /// Jobs that succeeded (retention's retired ones not included).
    public var settledJobCount: Int { settled.count }

    /// Jobs that succeeded, per API (that of their last action), retention's retired ones
    /// not included.
    public var succeededJobsByAPI: [String: Int] { settled.countByAPI }

    /// The last error of each API among succeeded jobs that failed an attempt first: as
    /// (error, unix ms), the newest per API.
    public var settledLastErrors: [String: (error: String, at: Int64)] {
        settled.newestFailureByAPI.mapValues { ($0.error, $0.at) }
    }

    /// Settled jobs by event: the rules each event's succeeded jobs ran.
    public func forEachSettledJob(_ body: (_ eventOffset: UInt64, _ rule: String) -> Void) {
        settled.forEach { _, offset, shape in body(offset, shape.rule) }
    }

    /// Settled jobs whose ids are not router-made (remapped ones), with their events.
    public var settledLaterJobs: [(id: String, eventOffset: UInt64)] {
        settled.others.map { ($0.key, $0.value.eventOffset) }
    }
}
