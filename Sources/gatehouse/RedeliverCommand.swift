import Foundation
import Gateway
import Notify
import Routing

enum RedeliverCommand: Command {
    static let name = "redeliver"
    static let summary = "send notifications again, or re-enable a disabled subscriber"
    static let usage = """
    gatehouse redeliver --delivery ID [--config FILE] [--data DIR]
    gatehouse redeliver --subscriber ID [--status failed,dead] [--since T] [--until T] [--dry-run]
    gatehouse redeliver --enable ID
      with any: [--url http://127.0.0.1:8080 [--token-env VAR]] to act through the running server

    --delivery sends one delivery again with a fresh retry schedule and the same webhook-id.
    --subscriber picks that subscriber's deliveries planned between T and T (ISO 8601 or unix
    seconds; default all) whose status is in --status (default failed,dead; also delivered,
    pending); --dry-run lists them only. --enable clears a disabled subscriber (and its circuit).
    Without --url it works on the data folder with the server stopped (it takes the folder's
    lock): the requests are recorded in the log and carried out when the server next starts.
    With --url the running server records them and sends at once (POST /deliveries/redeliver,
    /subscribers/{id}/enable); --token-env names a variable holding its operator_token.
    """
    static let options: Set<String> = ["config", "data", "routes", "delivery", "subscriber", "status", "since", "until", "enable",
                                       "url", "token-env"]
    static let flags: Set<String> = ["dry-run"]

    static func run(_ arguments: Arguments) throws -> Int32 {
        let chosen = ["delivery", "subscriber", "enable"].filter { arguments[$0] != nil }
        guard chosen.count == 1 else {
            throw UsageError(chosen.isEmpty ? "give --delivery, --subscriber or --enable" : "give one of --delivery, --subscriber, --enable")
        }
        if arguments["subscriber"] == nil, let extra = ["status", "since", "until"].first(where: { arguments[$0] != nil }) {
            throw UsageError("--\(extra) goes with --subscriber")
        }
        // Parsed before anything is opened or sent, so a mistake costs nothing.
        var statuses: Set<DeliveryStatus> = [.failed, .dead]
        if let list = arguments["status"] {
            do { statuses = try PlannedDelivery.statuses(list.split(separator: ",").map(String.init)) } catch { throw UsageError("--\(error)") }
        }
        let from = try arguments["since"].map(ReplayCommand.parseTime)
        let to = try arguments["until"].map(ReplayCommand.parseTime)
        do { try WorkFilter.checkRange(since: from, until: to) } catch { throw UsageError("--\(error)") }
        let dryRun = arguments.has("dry-run")
        guard !(dryRun && arguments["enable"] != nil) else { throw UsageError("--dry-run goes with --delivery or --subscriber") }
        if arguments["url"] != nil { return try throughServer(arguments, dryRun: dryRun) }
        guard arguments["token-env"] == nil else { throw UsageError("--token-env goes with --url") }

        var configuration = try ConfigurationFlags.resolve(arguments)
        DataFolderProbe.requireLog(configuration.data, verb: "redeliver")
        DataFolderProbe.requireFree(configuration.data, verb: "redeliver")
        configuration.apis.simulate = false
        let gateway = try Gateway(configuration: configuration, logger: Logger(minimum: .warning), connectors: .init(), offline: true)
        defer { gateway.shutdown(writingSnapshot: !dryRun) }
        if !dryRun { gateway.repairNotifications() }
        if let id = arguments["enable"] {
            // The notifier ignores an id it does not know (a log line only): say so and fail.
            guard gateway.hasSubscriber(id) else { print("subscriber \(id) is not in the configuration: nothing recorded"); return 1 }
            gateway.enable(subscriberID: id)
            print("subscriber \(id): enable recorded")
            return 0
        }
        if let id = arguments["delivery"], dryRun {
            guard let record = gateway.deliveryRecord(id: id) else { print("delivery \(id) is unknown"); return 1 }
            print(TerminalText.printable("\(PlannedDelivery(record))"))
            print("delivery \(id) would be sent again (dry run: nothing written)")
            return 0
        }
        if let id = arguments["delivery"] {
            guard gateway.redeliver(deliveryID: id) else { print("delivery \(id) not requeued (unknown, its subscriber is not configured, or the log refused the record)"); return 1 }
            print("delivery \(id) requeued")
            return 0
        }
        let items = gateway.plannedRedeliveries(subscriberID: arguments["subscriber"] ?? "", from: from ?? 0, to: to ?? Int64.max,
                                                statuses: statuses, dryRun: dryRun)
        for item in items { print(TerminalText.printable("\(item)")) }
        print(dryRun ? "\(items.count) deliver(ies) would be sent again (dry run: nothing written)"
                     : "\(items.count) deliver(ies) requeued; they are sent when the server starts")
        return 0
    }

    /// `--url`: the running server records the request and its notifier sends at once. The
    /// filters go as given; the server parses them as this verb does.
    private static func throughServer(_ arguments: Arguments, dryRun: Bool) throws -> Int32 {
        if let name = ["config", "data", "routes"].first(where: { arguments[$0] != nil }) {
            throw UsageError("--\(name) cannot go with --url: the running server uses its own configuration and data folder")
        }
        let client = try OperatorClient(arguments, fallbackURL: "")
        if let id = arguments["enable"] {
            let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? id
            _ = client.post("/subscribers/\(escaped)/enable", [:])
            print("subscriber \(id): enable requested from \(client.base)")
            return 0
        }
        var parameters: [String: JSONValue] = ["dry_run": .bool(dryRun)]
        for name in ["delivery", "subscriber", "status", "since", "until"] {
            if let value = arguments[name] { parameters[name] = .string(value) }
        }
        let answer = client.post("/deliveries/redeliver", parameters)
        guard case .array(let list)? = answer[path: "deliveries"] else { fail("\(client.base) answered without a delivery list") }
        let items = list.compactMap(PlannedDelivery.init(json:))
        for item in items { print(TerminalText.printable("\(item)")) }
        if let id = arguments["delivery"] {
            print(dryRun ? "delivery \(id) would be sent again (dry run: nothing written)" : "delivery \(id) requeued; the server is sending it now")
        } else {
            print(dryRun ? "\(items.count) deliver(ies) would be sent again (dry run: nothing written)"
                         : "\(items.count) deliver(ies) requeued; the server at \(client.base) is sending them now")
        }
        return 0
    }
}
