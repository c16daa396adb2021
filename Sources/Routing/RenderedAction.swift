/// An action's request for one event, ready for its API connector.
public struct RenderedAction: Sendable, Equatable, Codable {
    public let name: String
    public let api: String
    public let operation: String
    /// Path parameters as text; one dropped by `optional` is absent.
    public let params: [String: String]
    /// nil when the action has no body (or its whole body was dropped by `optional`).
    public let body: JSONValue?

    public init(name: String, api: String, operation: String, params: [String: String], body: JSONValue?) {
        self.name = name
        self.api = api
        self.operation = operation
        self.params = params
        self.body = body
    }
}
