import Foundation
import Gateway

enum ReplayCommand: Command {
    static let name = "replay"
    static let summary = "rebuild state from the log, verify it, re-drive failed work, remap past events"
    static let usage = """
    gatehouse replay [--config FILE] [--data DIR]                 fold the log and print the state
    gatehouse replay --verify [--data DIR]                        check every record's CRC, read-only
    gatehouse replay --redrive [--status failed,dead] [--source S] [--api A] [--since T] [--until T] [--dry-run]
    gatehouse replay --remap --routes DIR [--source S] [--type T] [--since T] [--until T] [--dry-run]

    All but --verify work with the server stopped (they take the data folder's lock).
    Without flags: recovers the log as a start would (a torn tail is truncated and reported),
    folds every event and prints the resulting state.
    --verify: reads every segment and checks every record's CRC without changing any file,
    listing each damaged record with its segment and offset; exits 1 on damage.
    --redrive: sends failed (and dead) jobs back to work from their current action, with a fresh
    retry schedule; actions that already succeeded are not repeated. T filters on when the job
    failed. --dry-run lists them only.
    --remap: runs past events (T filters on when they arrived) through the route files in DIR and
    plans, with fresh job ids, the rules that never ran for them (e.g. after a route was fixed).
    Rules already planned for an event are never planned again. --dry-run lists them only.
    The work starts when the server next starts. T is ISO 8601 (2026-11-25T10:00:00Z) or unix seconds.
    """
    static let options: Set<String> = ["config", "data", "routes", "status", "source", "api", "type", "since", "until"]
    static let flags: Set<String> = ["verify", "redrive", "remap", "dry-run"]

    static func run(_ arguments: Arguments) throws -> Int32 {
        var configuration = try ConfigurationFlags.resolve(arguments)
        if arguments.has("verify") {
            let report = OfflineReplay.verify(configuration: configuration)
            print(report.summary)
            for damage in report.damage { print("  damaged: \(damage)") }
            return report.isClean ? 0 : 1
        }
        if arguments.has("redrive") || arguments.has("remap") {
            let filter = try workFilter(arguments)
            let dryRun = arguments.has("dry-run")
            // Recovery verbs never call an API themselves: the server does when it next starts.
            configuration.apis.simulate = false
            let rules = try arguments.has("remap") ? Gateway.loadRules(directory: arguments["routes"] ?? configuration.routes) : [:]
            let gateway = try Gateway(configuration: configuration, logger: Logger(minimum: .warning), connectors: .init())
            defer { gateway.shutdown() }
            let work = arguments.has("redrive") ? try gateway.redrive(filter, dryRun: dryRun)
                                                : try gateway.remap(rules: rules, filter: filter, dryRun: dryRun)
            for item in work { print(item) }
            let verb = arguments.has("redrive") ? "re-driven" : "planned"
            print(dryRun ? "\(work.count) job(s) would be \(verb) (dry run: nothing written)"
                         : "\(work.count) job(s) \(verb); they run when the server starts")
            return 0
        }
        // A progress line on standard error for long logs, rewritten in place.
        let summary = try OfflineReplay.run(configuration: configuration) { folded, total in
            let percent = total > 0 ? Double(folded) * 100 / Double(total) : 0
            FileHandle.standardError.write(Data(String(format: "\rfolding: %d of %d records (%.0f%%)", folded, total, percent).utf8))
        }
        if summary.records >= 250_000 { FileHandle.standardError.write(Data("\n".utf8)) }
        print("log: \(summary.recovery)")
        print("events: \(summary.records) records folded in \(String(format: "%.3f", summary.seconds)) s, \(summary.state.uniqueEvents) unique deliveries")
        for (source, count) in summary.state.acceptedBySource.sorted(by: { $0.key < $1.key }) {
            print("  \(source): \(count) accepted")
        }
        var byStatus: [String: Int] = [:]
        for job in summary.state.jobs.values { byStatus[job.status.rawValue, default: 0] += 1 }
        print("jobs: " + (byStatus.isEmpty ? "none" : byStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))
        for id in summary.state.openJobs.sorted().prefix(20) {
            if let job = summary.state.jobs[id] { print("  pending: \(id) rule \(job.plan.rule) attempts \(job.attempts)") }
        }
        return 0
    }

    static func workFilter(_ arguments: Arguments) throws -> WorkFilter {
        var filter = WorkFilter(source: arguments["source"], eventType: arguments["type"], api: arguments["api"])
        if let list = arguments["status"] {
            filter.statuses = Set(try list.split(separator: ",").map { name in
                guard let status = JobState.Status(rawValue: String(name)) else { throw UsageError("--status takes failed, dead, succeeded, pending") }
                return status
            })
        }
        filter.since = try arguments["since"].map(parseTime)
        filter.until = try arguments["until"].map(parseTime)
        return filter
    }

    static func parseTime(_ text: String) throws -> Int64 {
        if let seconds = Int64(text) { return seconds * 1000 }
        if let date = try? Date(text, strategy: .iso8601) { return Int64(date.timeIntervalSince1970 * 1000) }
        throw UsageError("\(text) is not ISO 8601 or unix seconds")
    }
}
