import Routing

/// What every job of one rule has in common: the rule's name and its actions. Settled jobs
/// keep an index into a short list of these instead of a plan each.
struct JobShape: Sendable, Equatable {
    let rule: String
    let actions: [ActionTemplate]

    /// The API a job of this shape counts under once it succeeded: that of its last action.
    var api: String? { actions.last?.api }
}
