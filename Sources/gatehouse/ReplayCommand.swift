import Foundation
import Gateway
import Routing

enum ReplayCommand: Command {
    static let name = "replay"
    static let summary = "rebuild state from the log, verify it, re-drive failed work, remap past events"
    static let usage = """
    gatehouse replay [--config FILE] [--data DIR]                 fold the log and print the state
    gatehouse replay --verify [--data DIR]                        check every record's CRC, read-only
    gatehouse replay --redrive [--status failed,dead] [--source S] [--api A] [--since T] [--until T] [--dry-run]
    gatehouse replay --remap [--routes DIR] [--source S] [--type T] [--since T] [--until T] [--dry-run]
      with either: [--url http://127.0.0.1:8080 [--token-env VAR]] to act through the running server

    Without flags: recovers the log as a start would (a torn tail is truncated and reported),
    folds every event and prints the resulting state. It takes the data folder's lock, so the
    server must be stopped.
    --verify: reads every segment and checks every record's CRC without changing any file,
    listing each damaged record with its segment and offset; exits 1 on damage. Safe while
    the server runs.
    --redrive: sends failed (and dead) jobs back to work from their current action, with a fresh
    retry schedule; actions that already succeeded are not repeated. T filters on when the job
    failed. --dry-run lists them only.
    --remap: runs past events (T filters on when they arrived) through the route files in DIR
    (default: the configured routes folder) and plans, with fresh job ids, the rules that never
    ran for them (e.g. after a route was fixed). Rules already planned for an event are never
    planned again. --dry-run lists them only.
    Without --url, --redrive and --remap work on the data folder with the server stopped, and
    the work starts when the server next starts. With --url they ask the running server
    (POST /replay/redrive, /replay/remap), which starts the work at once; a remap then uses
    the server's own routes folder as it is now. --token-env names a variable holding the
    server's operator_token. T is ISO 8601 (2026-11-25T10:00:00Z) or unix seconds.
    """
    static let options: Set<String> = ["config", "data", "routes", "status", "source", "api", "type", "since", "until", "url", "token-env"]
    static let flags: Set<String> = ["verify", "redrive", "remap", "dry-run"]

    static func run(_ arguments: Arguments) throws -> Int32 {
        let recovering = arguments.has("redrive") || arguments.has("remap")
        guard recovering || (arguments["url"] == nil && arguments["token-env"] == nil) else {
            throw UsageError("--url goes with --redrive or --remap")
        }
        if arguments.has("verify") && recovering { throw UsageError("--verify goes alone: give it, --redrive or --remap") }
        if !recovering {
            // Filters and --dry-run mean nothing to a fold or a verify: refused, not ignored.
            for name in ["status", "source", "api", "type", "since", "until"] where arguments[name] != nil {
                throw UsageError("--\(name) goes with --redrive or --remap")
            }
            if arguments.has("dry-run") { throw UsageError("--dry-run goes with --redrive or --remap") }
        }
        var configuration = try ConfigurationFlags.resolve(arguments)
        if arguments.has("verify") {
            let report = OfflineReplay.verify(configuration: configuration)
            print(report.summary)
            for damage in report.damage { print("  damaged: \(damage)") }
            return report.isClean ? 0 : 1
        }
        if recovering {
            guard !(arguments.has("redrive") && arguments.has("remap")) else { throw UsageError("give --redrive or --remap, not both") }
            let redrive = arguments.has("redrive")
            let filter = try workFilter(arguments, redrive: redrive)
            let dryRun = arguments.has("dry-run")
            let verb = redrive ? "re-driven" : "planned"
            if arguments["url"] != nil { return try throughServer(arguments, redrive: redrive, dryRun: dryRun, verb: verb) }
            guard arguments["token-env"] == nil else { throw UsageError("--token-env goes with --url") }
            DataFolderProbe.requireLog(configuration.data, verb: redrive ? "re-drive" : "remap")
            DataFolderProbe.requireFree(configuration.data, verb: redrive ? "re-drive" : "remap")
            // Recovery verbs never call an API themselves: the server does when it next starts.
            configuration.apis.simulate = false
            let rules = try redrive ? [:] : Gateway.loadRules(directory: arguments["routes"] ?? configuration.routes)
            let gateway = try Gateway(configuration: configuration, logger: Logger(minimum: .warning), connectors: .init(), offline: true)
            defer { gateway.shutdown(writingSnapshot: !dryRun) }
            do { try gateway.checkFilter(filter) } catch { throw UsageError("--\(error)") }
            if !dryRun { gateway.repairNotifications() }
            let work = redrive ? try gateway.redrive(filter, dryRun: dryRun) : try gateway.remap(rules: rules, filter: filter, dryRun: dryRun)
            // Last errors are an API's text: shown as text, never as terminal control codes.
            for item in work { print(TerminalText.printable("\(item)")) }
            print(dryRun ? "\(work.count) job(s) would be \(verb) (dry run: nothing written)"
                         : "\(work.count) job(s) \(verb); they run when the server starts")
            return 0
        }
        // Recovering an absent folder would create it, with an empty log, and report 0 records.
        DataFolderProbe.requireLog(configuration.data, verb: "fold")
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
        if summary.state.settledJobCount > 0 { byStatus["succeeded", default: 0] += summary.state.settledJobCount }
        print("jobs: " + (byStatus.isEmpty ? "none" : byStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))
        for id in summary.state.openJobs.sorted().prefix(20) {
            if let job = summary.state.jobs[id] { print("  pending: \(id) rule \(job.plan.rule) attempts \(job.attempts)") }
        }
        return 0
    }

    /// The filters the verb takes, parsed here first so a mistake is reported before anything
    /// is opened or sent. Each verb refuses the other's filters rather than ignoring them.
    static func workFilter(_ arguments: Arguments, redrive: Bool) throws -> WorkFilter {
        for (name, redriveOnly) in [("api", true), ("status", true), ("type", false)] where arguments[name] != nil && redriveOnly != redrive {
            throw UsageError("--\(name) goes with --\(redriveOnly ? "redrive" : "remap")")
        }
        var filter = WorkFilter(source: arguments["source"], eventType: arguments["type"], api: arguments["api"])
        if let list = arguments["status"] {
            do { filter.statuses = try WorkFilter.redriveStatuses(list.split(separator: ",").map(String.init)) } catch {
                throw UsageError("--\(error)")
            }
        }
        filter.since = try arguments["since"].map(parseTime)
        filter.until = try arguments["until"].map(parseTime)
        do { try WorkFilter.checkRange(since: filter.since, until: filter.until) } catch { throw UsageError("--\(error)") }
        return filter
    }

    /// `--url`: the same request to the running server, which starts the work at once. The
    /// filters go as given (the server parses them the same way); the folder flags describe
    /// an offline run and would be misleading here, so they are refused.
    private static func throughServer(_ arguments: Arguments, redrive: Bool, dryRun: Bool, verb: String) throws -> Int32 {
        for name in ["config", "data", "routes"] where arguments[name] != nil {
            throw UsageError(name == "routes"
                ? "--routes cannot go with --url: the running server remaps through its own routes folder, read again for the request"
                : "--\(name) cannot go with --url: the running server uses its own configuration and data folder")
        }
        let client = try OperatorClient(arguments, fallbackURL: "")
        var parameters: [String: JSONValue] = ["dry_run": .bool(dryRun)]
        for name in ["source", "api", "status", "type", "since", "until"] {
            if let value = arguments[name] { parameters[name] = .string(value) }
        }
        let answer = client.post(redrive ? "/replay/redrive" : "/replay/remap", parameters)
        guard case .array(let items)? = answer[path: "jobs"] else { fail("\(client.base) answered without a job list") }
        let work = items.compactMap(PlannedWork.init(json:))
        for item in work { print(TerminalText.printable("\(item)")) }
        print(dryRun ? "\(work.count) job(s) would be \(verb) (dry run: nothing written)"
                     : "\(work.count) job(s) \(verb); the server at \(client.base) is running them now")
        return 0
    }

    static func parseTime(_ text: String) throws -> Int64 {
        if let seconds = Int64(text) {
            let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw UsageError("\(text) is out of range") }
            return ms
        }
        if let date = try? Date(text, strategy: .iso8601) { return Int64(date.timeIntervalSince1970 * 1000) }
        throw UsageError("\(text) is not ISO 8601 or unix seconds")
    }
}
