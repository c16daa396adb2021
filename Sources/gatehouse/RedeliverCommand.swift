import Foundation
import Gateway
import Notify

enum RedeliverCommand: Command {
    static let name = "redeliver"
    static let summary = "send notifications again, or re-enable a disabled subscriber"
    static let usage = """
    gatehouse redeliver --delivery ID [--config FILE] [--data DIR]
    gatehouse redeliver --subscriber ID [--status failed,dead] [--since T] [--until T] [--dry-run]
    gatehouse redeliver --enable ID

    With the server stopped (it takes the data folder's lock). --delivery sends one delivery
    again with a fresh retry schedule and the same webhook-id. --subscriber picks that
    subscriber's deliveries planned between T and T (ISO 8601 or unix seconds; default all)
    whose status is in --status (default failed,dead; also delivered, pending); --dry-run lists
    them only. --enable clears a disabled subscriber (and its circuit). The requests are
    recorded in the log and carried out when the server next starts.
    """
    static let options: Set<String> = ["config", "data", "routes", "delivery", "subscriber", "status", "since", "until", "enable"]
    static let flags: Set<String> = ["dry-run"]

    static func run(_ arguments: Arguments) throws -> Int32 {
        var configuration = try ConfigurationFlags.resolve(arguments)
        configuration.apis.simulate = false
        let gateway = try Gateway(configuration: configuration, logger: Logger(minimum: .warning), connectors: .init())
        defer { gateway.shutdown() }
        if let id = arguments["enable"] {
            gateway.enable(subscriberID: id)
            print("subscriber \(id): enable recorded")
            return 0
        }
        if let id = arguments["delivery"] {
            guard gateway.redeliver(deliveryID: id) else { print("delivery \(id) not requeued (unknown, or its subscriber is not configured)"); return 1 }
            print("delivery \(id) requeued")
            return 0
        }
        guard let subscriber = arguments["subscriber"] else { throw UsageError("give --delivery, --subscriber or --enable") }
        var statuses: Set<DeliveryStatus> = [.failed, .dead]
        if let list = arguments["status"] {
            statuses = Set(try list.split(separator: ",").map { name in
                guard let s = DeliveryStatus(rawValue: String(name)) else { throw UsageError("--status takes failed, dead, delivered, pending") }
                return s
            })
        }
        let from = try arguments["since"].map(ReplayCommand.parseTime) ?? 0
        let to = try arguments["until"].map(ReplayCommand.parseTime) ?? Int64.max
        let dryRun = arguments.has("dry-run")
        let ids = gateway.redeliver(subscriberID: subscriber, from: from, to: to, statuses: statuses, dryRun: dryRun)
        let records = gateway.deliveries.deliveries
        for id in ids {
            let r = records[id]
            print("\(id)  \(r?.notification.type ?? "?")  was \(r?.status.rawValue ?? "?")  attempts \(r?.attempts ?? 0)")
        }
        print(dryRun ? "\(ids.count) deliver(ies) would be sent again (dry run: nothing written)"
                     : "\(ids.count) deliver(ies) requeued; they are sent when the server starts")
        return 0
    }
}
