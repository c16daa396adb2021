/// One call a rule makes: which API operation, and templates for its path parameters and body.
/// Codable in the route-file form, so the gateway can log the plan as it stood when the event
/// arrived and later route edits do not change work already planned.
public struct ActionTemplate: Sendable, Equatable, Codable {
    /// Unique within its rule; later actions read this one's result as `$actions.<name>`.
    public let name: String
    public let api: String
    public let operation: String
    /// Path parameters by name; each a template that must render to text or a number.
    public let params: [String: JSONValue]
    public let body: JSONValue?

    public init(name: String, api: String, operation: String, params: [String: JSONValue] = [:], body: JSONValue? = nil) {
        self.name = name
        self.api = api
        self.operation = operation
        self.params = params
        self.body = body
    }

    /// Fills the templates for one event. Errors name the field (`params.id`, `body.email`).
    public func render(context: JSONValue) throws(TemplateError) -> RenderedAction {
        var renderedParams: [String: String] = [:]
        for (name, template) in params.sorted(by: { $0.key < $1.key }) {
            let field = FieldLocation.key(name, in: "params")
            guard let value = try TemplateRenderer.renderOptional(template, context: context, field: field) else { continue }
            guard let text = value.scalarText, !text.isEmpty else {
                throw TemplateError(field: field, path: "", message: "a path parameter must be non-empty text or a number, got \(value.kindName)")
            }
            renderedParams[name] = text
        }
        var renderedBody: JSONValue?
        if let body {
            renderedBody = try TemplateRenderer.renderOptional(body, context: context, field: "body")
        }
        return RenderedAction(name: name, api: api, operation: operation, params: renderedParams, body: renderedBody)
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = [
            "name": .string(name), "api": .string(api), "operation": .string(operation), "params": .object(params),
        ]
        if let body { fields["body"] = body }
        return .object(fields)
    }

    public init(from decoder: any Decoder) throws {
        self = try RouteParser.decode(decoder) { parser, json in parser.action(json, at: "", earlierActions: nil) }
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
