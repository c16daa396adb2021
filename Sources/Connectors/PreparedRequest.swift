import Routing

/// A validated action, ready to send: nothing in it can make the API refuse it for shape.
struct PreparedRequest: Sendable {
    let method: String
    /// Path and query below the base URL, escaped.
    let target: String
    /// The body as sent: the action's, with integer fields given as text made numbers.
    let body: JSONValue?
    let params: [String: String]
}
