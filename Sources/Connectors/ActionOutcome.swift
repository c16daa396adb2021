import Routing

/// How one attempt of an action ended, as the action engine needs it to decide what next.
public enum ActionOutcome: Sendable, Equatable {
    /// `result` holds the few ids and names later actions and notifications use; `note` says
    /// when the record was found rather than made ("already present (...)").
    case succeeded(status: Int, result: JSONValue, note: String?)
    /// Worth trying again: 408, 429, 5xx, timeouts, connection failures. `retryAfterSeconds`
    /// is the API's `Retry-After` when it sent one.
    case retryable(status: Int?, error: String, retryAfterSeconds: Double?)
    /// Trying again cannot help: invalid actions (nothing was sent, `status` nil) and the API's
    /// other refusals, with its own message kept.
    case permanent(status: Int?, error: String)
}
