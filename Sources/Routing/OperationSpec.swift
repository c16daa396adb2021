/// What the route checker needs to know about one API operation a connector offers.
public struct OperationSpec: Sendable, Hashable {
    public let api: String
    public let operation: String
    /// Names an action's `params` must give (`id` for `/contacts/{id}`).
    public let pathParameters: [String]
    /// Body fields an action must give (dotted for nested ones); any template satisfies one.
    public let requiredFields: [String]
    /// Optional `params` that become the query string (`search` for a list), not path segments.
    public let queryParameters: [String]

    public init(api: String, operation: String, pathParameters: [String] = [], requiredFields: [String] = [], queryParameters: [String] = []) {
        self.queryParameters = queryParameters
        self.api = api
        self.operation = operation
        self.pathParameters = pathParameters
        self.requiredFields = requiredFields
    }
}
