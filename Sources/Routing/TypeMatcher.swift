/// Which event types a rule answers (`when.type` in a route file).
public enum TypeMatcher: Sendable, Equatable, Codable {
    /// No `when`: every event, even one whose type could not be read.
    case any
    /// Exact types, and patterns ending in `.*` that match every type under that prefix
    /// (`client.contract.*`); `*` alone matches any typed event. One match is enough.
    case patterns([String])

    public func matches(_ eventType: String?) -> Bool {
        guard case .patterns(let patterns) = self else { return true }
        guard let eventType else { return false }
        return patterns.contains { Self.pattern($0, matches: eventType) }
    }

    /// The route-file form: `{"type": "a"}`, `{"type": ["a", "b.*"]}`, or `{}` for any.
    public var json: JSONValue {
        switch self {
        case .any: return .object([:])
        case .patterns(let patterns) where patterns.count == 1: return .object(["type": .string(patterns[0])])
        case .patterns(let patterns): return .object(["type": .array(patterns.map(JSONValue.string))])
        }
    }

    public init(from decoder: any Decoder) throws {
        self = try RouteParser.decode(decoder) { parser, json in parser.typeMatcher(json, at: "") }
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }

    static func pattern(_ pattern: String, matches eventType: String) -> Bool {
        if pattern == "*" { return true }
        if pattern.hasSuffix(".*") { return eventType.hasPrefix(pattern.dropLast()) }
        return pattern == eventType
    }
}
