/// A label pair of `gatehouse_actions_total`: the API an attempt went to and how it ended
/// (`succeeded`, `retrying`, `failed`, `dead`).
struct ActionCountKey: Hashable, Sendable, Comparable {
    let api: String
    let status: String

    static func < (a: ActionCountKey, b: ActionCountKey) -> Bool { (a.api, a.status) < (b.api, b.status) }

    static func status(of outcome: AttemptFinished.Outcome) -> String {
        switch outcome {
        case .succeeded: return "succeeded"
        case .retrying: return "retrying"
        case .failed: return "failed"
        case .dead: return "dead"
        }
    }
}
