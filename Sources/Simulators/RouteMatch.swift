/// What a route table made of a method and path.
enum RouteMatch<Endpoint: Sendable>: Sendable {
    /// The endpoint and the values of its `{placeholders}`, in order.
    case found(Endpoint, parameters: [String])
    /// The path exists but not for this method: a 405 naming what is allowed.
    case methodNotAllowed(allowed: [String])
    case notFound
}
