/// What the action engine knows about earlier attempts of the same action.
public enum AttemptMode: Sendable {
    /// No earlier attempt can have reached the API.
    case fresh
    /// An earlier attempt may have reached the API (it timed out after sending, or the gateway
    /// stopped mid-call): a create looks its record up first and returns it when present,
    /// instead of making a duplicate.
    case afterUnknownOutcome
}
