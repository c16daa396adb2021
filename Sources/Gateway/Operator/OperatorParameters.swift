import Foundation
import HTTP1
import Routing

/// The parameters of an operator POST, from the query string, a JSON object body, or both
/// (a name given in both is refused rather than one silently winning). Unknown names are
/// refused too: a misspelt filter on a re-drive must not quietly widen it to everything.
/// JSON `null` reads as absent.
struct OperatorParameters {
    private let values: [String: JSONValue]

    init(_ request: HTTPRequest, known: Set<String>) throws(OperatorQueryError) {
        var values: [String: JSONValue] = [:]
        for (name, value) in request.query { values[name] = .string(value) }
        if request.body.contains(where: { !Self.isWhitespace($0) }) {
            let parsed: JSONValue
            do { parsed = try JSONValue.parse(request.body) } catch { throw OperatorQueryError("the body is not valid JSON: \(error)") }
            guard case .object(let fields) = parsed else { throw OperatorQueryError("the body must be a JSON object of parameters") }
            for (name, value) in fields {
                guard values[name] == nil else { throw OperatorQueryError("\(name) is given both in the query and in the body") }
                values[name] = value
            }
        }
        if let unknown = values.keys.sorted().first(where: { !known.contains($0) }) {
            let list = known.isEmpty ? "none" : known.sorted().joined(separator: ", ")
            throw OperatorQueryError("unknown parameter \"\(unknown)\" (known: \(list))")
        }
        self.values = values.filter { $0.value != .null }
    }

    func has(_ name: String) -> Bool { values[name] != nil }

    /// A non-empty string. An empty one is refused, not read as absent: `source=$SOURCE` with
    /// the variable unset would otherwise widen a change to every source.
    func string(_ name: String) throws(OperatorQueryError) -> String? {
        guard let value = values[name] else { return nil }
        guard case .string(let text) = value else { throw OperatorQueryError("\(name) must be a string") }
        guard !text.isEmpty else { throw OperatorQueryError("\(name) is empty: give a value, or leave it out to mean any") }
        return text
    }

    /// A list: a JSON array of strings, or one string of comma-separated names.
    func list(_ name: String) throws(OperatorQueryError) -> [String]? {
        switch values[name] {
        case nil:
            return nil
        case .string(let text)?:
            return text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case .array(let items)?:
            var names: [String] = []
            for item in items {
                guard case .string(let text) = item else { throw OperatorQueryError("\(name) must be a list of strings") }
                names.append(text)
            }
            return names
        default:
            throw OperatorQueryError("\(name) must be a list of strings or a comma-separated string")
        }
    }

    /// ISO 8601 text or unix seconds (as text or a JSON integer), as unix milliseconds.
    /// `since` and `until`, each optional, checked to be in order.
    func timeRange() throws -> (since: Int64?, until: Int64?) {
        let since = try time("since"), until = try time("until")
        try WorkFilter.checkRange(since: since, until: until)
        return (since, until)
    }

    func time(_ name: String) throws(OperatorQueryError) -> Int64? {
        switch values[name] {
        case nil: return nil
        case .int(let seconds)?: return try EventSearchQuery.time(String(seconds), name)
        case .string(let text)?: return try EventSearchQuery.time(text, name)
        default: throw OperatorQueryError("\(name) must be an ISO 8601 time (2026-05-01T12:00:00Z) or unix seconds")
        }
    }

    /// A JSON boolean, or `true`/`false`/`1`/`0` as text (from the query string).
    func flag(_ name: String, default fallback: Bool) throws(OperatorQueryError) -> Bool {
        switch values[name] {
        case nil: return fallback
        case .bool(let b)?: return b
        case .string("true")?, .string("1")?: return true
        case .string("false")?, .string("0")?: return false
        default: throw OperatorQueryError("\(name) must be true or false")
        }
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
}
