import Foundation
import Gateway

enum ReplayCommand: Command {
    static let name = "replay"
    static let summary = "rebuild state from the log offline and print it, or verify the log"
    static let usage = """
    gatehouse replay [--verify] [--config FILE] [--data DIR]

    Without --verify: with the server stopped, recovers the log as a start would (a torn
    tail is truncated and reported), folds every event and prints the resulting state.
    With --verify: reads every segment and checks every record's CRC without changing any
    file, listing each damaged record with its segment and offset; exits 1 on damage.
    """
    static let options: Set<String> = ["config", "data"]
    static let flags: Set<String> = ["verify"]

    static func run(_ arguments: Arguments) throws -> Int32 {
        let configuration = try ConfigurationFlags.resolve(arguments)
        if arguments.has("verify") {
            let report = OfflineReplay.verify(configuration: configuration)
            print(report.summary)
            for damage in report.damage { print("  damaged: \(damage)") }
            return report.isClean ? 0 : 1
        }
        let summary = try OfflineReplay.run(configuration: configuration)
        print("log: \(summary.recovery)")
        print("events: \(summary.records) records folded in \(String(format: "%.3f", summary.seconds)) s, \(summary.state.seen.count) unique deliveries")
        for (source, count) in summary.state.acceptedBySource.sorted(by: { $0.key < $1.key }) {
            print("  \(source): \(count) accepted")
        }
        return 0
    }
}
