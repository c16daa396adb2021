import Routing

/// What the status page and metrics need from the folded state, computed under the store's
/// lock. Taking a copy of the whole state instead would make the log's writer copy every
/// index (a million dedupe keys) on its next append, stalling webhooks on each scrape.
struct StateFigures {
    let acceptedBySource: [String: Int]
    let eventsApplied: Int
    let unique: Int
    let apis: JSONValue
    let jobCounts: [(state: String, count: Int)]
    /// The oldest open job's event, for the pending age.
    let oldestOpenEventOffset: UInt64?
    let subscribers: JSONValue

    static func read(_ store: EventStore, subscribers configured: [String] = []) -> StateFigures {
        store.read { s in
            StateFigures(acceptedBySource: s.acceptedBySource, eventsApplied: s.eventsApplied, unique: s.uniqueEvents,
                         apis: StatusReport.apis(s), jobCounts: JobCounts.tally(s),
                         oldestOpenEventOffset: s.openJobs.lazy.compactMap { s.jobs[$0]?.eventOffset }.min(),
                         subscribers: SubscriberStatus.json(s, configured: configured))
        }
    }
}
