/// What the route checker needs to know about one API operation a connector offers.
public struct OperationSpec: Sendable, Hashable {
    public static func == (a: OperationSpec, b: OperationSpec) -> Bool {
        (a.api, a.operation, a.pathParameters, a.requiredFields, a.queryParameters)
            == (b.api, b.operation, b.pathParameters, b.requiredFields, b.queryParameters)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(api)
        hasher.combine(operation)
    }

    public let api: String
    public let operation: String
    /// Names an action's `params` must give (`id` for `/contacts/{id}`).
    public let pathParameters: [String]
    /// Body fields an action must give (dotted for nested ones); any template satisfies one.
    public let requiredFields: [String]
    /// Optional `params` that become the query string (`search` for a list), not path segments.
    public let queryParameters: [String]
    /// What the operation would refuse in an action's body as written, placeholders left out
    /// (a literal of the wrong type, a missing one of a required group, a body where none is
    /// taken): each would fail every event, so the checker reports it at load.
    public let bodyProblems: @Sendable (_ body: JSONValue?) -> [String]

    public init(api: String, operation: String, pathParameters: [String] = [], requiredFields: [String] = [], queryParameters: [String] = [],
                bodyProblems: @escaping @Sendable (_ body: JSONValue?) -> [String] = { _ in [] }) {
        self.bodyProblems = bodyProblems
        self.queryParameters = queryParameters
        self.api = api
        self.operation = operation
        self.pathParameters = pathParameters
        self.requiredFields = requiredFields
    }
}
