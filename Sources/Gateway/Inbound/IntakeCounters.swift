import Synchronization

/// What happened to inbound requests that did not become log events (refusals, duplicates):
/// kept in memory for the status endpoint, not in the log, since they change no state.
public final class IntakeCounters: Sendable {
    private let table = Mutex<[String: SourceTally]>([:])

    public struct SourceTally: Sendable, Codable {
        public var duplicates = 0
        public var rejected: [String: Int] = [:]
    }

    public init() {}

    func duplicate(_ source: String) { table.withLock { $0[source, default: SourceTally()].duplicates += 1 } }

    func reject(_ source: String, _ reason: String) {
        table.withLock { $0[source, default: SourceTally()].rejected[reason, default: 0] += 1 }
    }

    public func snapshot() -> [String: SourceTally] { table.withLock { $0 } }
}
