import Synchronization

/// When an attempt's start was recorded, handed from the connector's admission hook to its
/// completion: nil when the record failed, and nothing was sent.
final class AttemptStart: Sendable {
    private let at = Mutex<Int64?>(nil)

    func recorded(at time: Int64) { at.withLock { $0 = time } }

    var time: Int64? { at.withLock { $0 } }
}
