import Foundation

/// A parsed JSON document as a value: event bodies, route files' templates and answers.
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Strict RFC 8259 parsing (see `JSONParser`: Foundation's decoder was the gateway's
    /// largest cost per webhook).
    public static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONParser.parse(bytes)
    }

    /// Compact (or two-space indented) JSON with sorted keys.
    public func serialized(pretty: Bool = false) -> [UInt8] {
        JSONWriter.write(self, pretty: pretty)
    }

    /// Appends `text` as a JSON string literal, escaped as `serialized` escapes strings: for
    /// answers built for every request without a `JSONValue` tree.
    public static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        JSONWriter.appendQuoted(text, to: &out)
    }

    /// Follows a dotted path (`data.object.email`, `items.0.id`); nil where it leads nowhere.
    public subscript(path path: String) -> JSONValue? {
        var current = self
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .object(let o):
                guard let next = o[String(part)] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(part), a.indices.contains(i) else { return nil }
                current = a[i]
            default:
                return nil
            }
        }
        return current
    }

    /// The value as text, for ids and types: strings as they are, numbers printed.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return nil
        }
    }
}

extension JSONValue {
    /// Equality as a route author means it: `1` and `1.0` are the same number, because JSON
    /// does not distinguish them and a round trip through an encoder may turn one into the other.
    public func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)):
            return Double(a) == b
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.isEquivalent(to: $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { value.isEquivalent(to: $0) } ?? false }
        default:
            return self == other
        }
    }

    /// The value spliced into a longer string: null reads as nothing, lists and objects as JSON.
    public var interpolationText: String {
        switch self {
        case .null: return ""
        case .array, .object: return String(decoding: serialized(), as: UTF8.self)
        default: return scalarText ?? ""
        }
    }

    /// A short noun for error messages ("first needs a list, got text").
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int, .double: return "a number"
        case .string: return "text"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}
