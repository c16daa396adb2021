/// Jobs by where they stand (`pending`, `in_flight`, `succeeded`, `failed`, `dead`), every
/// state present even at zero so charts and alerts see a series from the start.
enum JobCounts {
    static let states: [JobState.Status] = [.pending, .inFlight, .succeeded, .failed, .dead]

    static func tally(_ state: borrowing GatewayState) -> [(state: String, count: Int)] {
        var counts: [JobState.Status: Int] = [:]
        for job in state.jobs.values { counts[job.status, default: 0] += 1 }
        counts[.succeeded, default: 0] += state.settledJobCount
        for (key, count) in state.retiredJobs { counts[key.status, default: 0] += count }
        return states.map { ($0.rawValue, counts[$0] ?? 0) }
    }
}
