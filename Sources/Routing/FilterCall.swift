/// One `| name` or `| name:argument` step of a placeholder. Filters are a closed list of pure
/// value transforms: a route file is configuration, so it must never be able to run code.
struct FilterCall: Sendable, Equatable {
    let name: String
    let argument: JSONValue?

    static let names: Set<String> = ["default", "lower", "upper", "trim", "split", "first", "last", "join", "concat", "optional"]
    private static let needingArgument: Set<String> = ["default", "split", "join", "concat"]

    /// Reads `name` or `name:argument` (already split off at `|`, quotes respected).
    static func parse(_ text: Substring) throws(TemplateProblem) -> FilterCall {
        let spec = text.trimmingWhitespace()
        guard !spec.isEmpty else { throw TemplateProblem("malformed placeholder: empty filter between '|'") }
        let name: String
        var argument: JSONValue?
        if let colon = spec.firstIndex(of: ":") {
            name = String(spec[..<colon].trimmingWhitespace())
            argument = try literal(spec[spec.index(after: colon)...].trimmingWhitespace(), for: name)
        } else {
            name = String(spec)
        }
        guard names.contains(name) else { throw TemplateProblem("unknown filter '\(name)'") }
        if needingArgument.contains(name), argument == nil {
            throw TemplateProblem("filter '\(name)' needs an argument, e.g. \(name):','")
        }
        if !needingArgument.contains(name), argument != nil {
            throw TemplateProblem("filter '\(name)' takes no argument")
        }
        if name == "split" || name == "join" {
            guard case .string? = argument else { throw TemplateProblem("filter '\(name)' needs a quoted separator, e.g. \(name):','") }
        }
        return FilterCall(name: name, argument: argument)
    }

    /// Quoted text (single or double quotes, no escapes), a number, true, false or null.
    private static func literal(_ text: Substring, for name: String) throws(TemplateProblem) -> JSONValue {
        if let quote = text.first, quote == "'" || quote == "\"" {
            let inner = text.dropFirst()
            guard inner.last == quote, let close = inner.firstIndex(of: quote), close == inner.index(before: inner.endIndex) else {
                throw TemplateProblem("bad argument for filter '\(name)': \(text)")
            }
            return .string(String(inner.dropLast()))
        }
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null": return .null
        default: break
        }
        if let int = Int64(text) { return .int(int) }
        if let double = Double(text), double.isFinite, text.allSatisfy({ "0123456789.-+eE".contains($0) }) { return .double(double) }
        throw TemplateProblem("bad argument for filter '\(name)': \(text) (quote text: '\(text)')")
    }

    /// Applies the filter. `nil` is a missing value: it passes through every filter but
    /// `default`, so a chain can end in `default`/`optional`. Null passes through the same way.
    func apply(to value: JSONValue?) throws(TemplateProblem) -> JSONValue? {
        if name == "default" {
            if value == nil || value == .null { return argument }
            return value
        }
        guard let value, value != .null else { return value }
        switch name {
        case "lower": return .string(try text(of: value).lowercased())
        case "upper": return .string(try text(of: value).uppercased())
        case "trim": return .string(try text(of: value).trimmingWhitespace().description)
        case "concat": return .string(try text(of: value) + (argument?.scalarText ?? ""))
        case "split": return split(try text(of: value))
        case "first": return try list(value).first
        case "last": return try list(value).last
        case "join": return try join(list(value))
        default: return value
        }
    }

    private func split(_ text: String) -> JSONValue {
        guard case .string(let separator)? = argument, !text.isEmpty else { return .array([]) }
        if separator.isEmpty { return .array(text.map { .string(String($0)) }) }
        return .array(text.components(separatedBy: separator).map(JSONValue.string))
    }

    private func join(_ elements: [JSONValue]) throws(TemplateProblem) -> JSONValue {
        var parts: [String] = []
        for element in elements {
            switch element {
            case .array, .object: throw TemplateProblem("join needs a list of text or numbers, found \(element.kindName) in it")
            default: parts.append(element.interpolationText)
            }
        }
        return .string(parts.joined(separator: argument?.scalarText ?? ""))
    }

    private func text(of value: JSONValue) throws(TemplateProblem) -> String {
        guard let text = value.scalarText else { throw TemplateProblem("\(name) needs text, got \(value.kindName)") }
        return text
    }

    private func list(_ value: JSONValue) throws(TemplateProblem) -> [JSONValue] {
        guard case .array(let elements) = value else { throw TemplateProblem("\(name) needs a list, got \(value.kindName)") }
        return elements
    }
}
