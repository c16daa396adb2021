/// The `if` of a rule: a test on the event body. Paths are dotted (`data.object.email`,
/// `items.0.id`); a path that leads nowhere makes a test false, never an error.
public indirect enum Condition: Sendable, Equatable, Codable {
    /// The value at `path` equals `value` (numbers compare by value: 1 equals 1.0).
    case equals(path: String, value: JSONValue)
    /// `path` leads to a value other than null.
    case exists(path: String)
    /// The value at `path` equals one of `values` (route file: `in`).
    case oneOf(path: String, values: [JSONValue])
    /// The value at `path` is text starting with `value`.
    case prefix(path: String, value: String)
    /// Every condition holds (an empty list holds).
    case all([Condition])
    /// At least one condition holds (an empty list does not).
    case any([Condition])
    case not(Condition)

    public func evaluate(_ body: JSONValue) -> Bool {
        switch self {
        case .equals(let path, let value):
            return body[path: path]?.isEquivalent(to: value) ?? false
        case .exists(let path):
            guard let found = body[path: path] else { return false }
            return found != .null
        case .oneOf(let path, let values):
            guard let found = body[path: path] else { return false }
            return values.contains { found.isEquivalent(to: $0) }
        case .prefix(let path, let value):
            guard case .string(let text)? = body[path: path] else { return false }
            return text.hasPrefix(value)
        case .all(let conditions):
            return conditions.allSatisfy { $0.evaluate(body) }
        case .any(let conditions):
            return conditions.contains { $0.evaluate(body) }
        case .not(let condition):
            return !condition.evaluate(body)
        }
    }

    /// The route-file form, so a stored rule reads like the file it came from.
    public var json: JSONValue {
        switch self {
        case .equals(let path, let value): return .object(["equals": .object(["path": .string(path), "value": value])])
        case .exists(let path): return .object(["exists": .string(path)])
        case .oneOf(let path, let values): return .object(["in": .object(["path": .string(path), "values": .array(values)])])
        case .prefix(let path, let value): return .object(["prefix": .object(["path": .string(path), "value": .string(value)])])
        case .all(let conditions): return .object(["all": .array(conditions.map(\.json))])
        case .any(let conditions): return .object(["any": .array(conditions.map(\.json))])
        case .not(let condition): return .object(["not": condition.json])
        }
    }

    public init(from decoder: any Decoder) throws {
        self = try RouteParser.decode(decoder) { parser, json in parser.condition(json, at: "") }
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
