/// One entry of a route file's `rules`: which events it answers, and the actions it takes.
public struct Rule: Sendable, Equatable, Codable {
    public let name: String
    public let when: TypeMatcher
    /// The route file's `if`.
    public let condition: Condition?
    /// Ordering-key template: actions of events with the same key run one after another.
    public let key: JSONValue?
    /// In order; each may read earlier ones' results through `$actions`.
    public let actions: [ActionTemplate]
    /// Subscriber ids told about the outcome.
    public let notify: [String]

    public init(
        name: String, when: TypeMatcher = .any, condition: Condition? = nil, key: JSONValue? = nil,
        actions: [ActionTemplate], notify: [String] = []
    ) {
        self.name = name
        self.when = when
        self.condition = condition
        self.key = key
        self.actions = actions
        self.notify = notify
    }

    public func matches(eventType: String?, body: JSONValue) -> Bool {
        when.matches(eventType) && (condition?.evaluate(body) ?? true)
    }

    /// The ordering key for one event as text; nil without a key template or when `optional`
    /// dropped it. Rendered before any action runs, so it cannot read `$actions`.
    /// The rendered ordering key; a key that renders empty (a null or missing value) is an
    /// error rather than one shared lane for every such event.
    public func renderKey(context: JSONValue) throws(TemplateError) -> String? {
        guard let key else { return nil }
        guard let text = try TemplateRenderer.renderOptional(key, context: context, field: "key")?.interpolationText else { return nil }
        guard !text.isEmpty else { throw TemplateError(field: "key", path: "", message: "the ordering key rendered empty") }
        return text
    }

    public var json: JSONValue {
        var fields: [String: JSONValue] = ["name": .string(name), "actions": .array(actions.map(\.json))]
        if when != .any { fields["when"] = when.json }
        if let condition { fields["if"] = condition.json }
        if let key { fields["key"] = key }
        if !notify.isEmpty { fields["notify"] = .array(notify.map(JSONValue.string)) }
        return .object(fields)
    }

    public init(from decoder: any Decoder) throws {
        self = try RouteParser.decode(decoder) { parser, json in parser.rule(json, at: "") }
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
