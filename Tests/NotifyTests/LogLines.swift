import Synchronization

/// Collects what the notifier logs, so tests can check it was told (and that no secret was).
final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
    var all: [String] { lines.withLock { $0 } }
    func contains(_ text: String) -> Bool { all.contains { $0.contains(text) } }
    func count(of text: String) -> Int { all.filter { $0.contains(text) }.count }
}
