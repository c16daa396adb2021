/// One `{{ path | filter | filter:'arg' }}` inside a template string.
struct Placeholder: Sendable, Equatable {
    let path: String
    let filters: [FilterCall]

    /// The fields every event has under `$event`.
    static let eventFields: Set<String> = ["id", "type", "source", "received_at"]

    /// With `optional` a missing value drops the enclosing field instead of failing.
    var isOptional: Bool { filters.contains { $0.name == "optional" } }

    /// A missing value here is planned for, so the example need not contain the path.
    var toleratesMissing: Bool { filters.contains { $0.name == "optional" || $0.name == "default" } }

    var segments: [Substring] { path.split(separator: ".", omittingEmptySubsequences: false) }

    /// Parses the text between `{{` and `}}`.
    static func parse(_ inner: Substring) throws(TemplateProblem) -> Placeholder {
        let pieces = splitOutsideQuotes(inner)
        let path = pieces[0].trimmingWhitespace()
        guard !path.isEmpty else { throw TemplateProblem("malformed placeholder: no path in '{{\(inner)}}'") }
        guard !path.contains(where: { $0.isWhitespace || "{}'\"".contains($0) }) else {
            throw TemplateProblem("malformed placeholder: '\(path)' is not a path (separate filters with '|')")
        }
        let segments = path.split(separator: ".", omittingEmptySubsequences: false)
        guard !segments.contains(where: \.isEmpty) else {
            throw TemplateProblem("malformed placeholder: empty step in path '\(path)'")
        }
        if let root = segments.first, root.hasPrefix("$"), root != "$event", root != "$actions" {
            throw TemplateProblem("unknown variable '\(root)' (use $event or $actions)")
        }
        var filters: [FilterCall] = []
        for piece in pieces.dropFirst() {
            filters.append(try FilterCall.parse(piece))
        }
        return Placeholder(path: String(path), filters: filters)
    }

    /// Runs the path lookup and filters. Returns nil when the value is missing and `optional`
    /// says to drop the field; a missing value otherwise is an error naming field and path.
    func evaluate(in context: JSONValue, field: String) throws(TemplateError) -> JSONValue? {
        var value = context[path: path]
        for filter in filters {
            do {
                value = try filter.apply(to: value)
            } catch {
                throw TemplateError(field: field, path: path, message: error.message)
            }
        }
        // A null is as good as missing (as `default` already reads it): kept, it went out as
        // `"phone": null` to APIs whose fields are plain text, or spliced into text as "".
        if let value, value != .null { return value }
        if isOptional { return nil }
        let found = value == .null ? "null" : "no value"
        throw TemplateError(field: field, path: path, message: "\(found) at '\(path)' (add | default:'...' or | optional)")
    }

    /// Splits at `|` except inside quoted filter arguments (`split:'|'`).
    private static func splitOutsideQuotes(_ text: Substring) -> [Substring] {
        var pieces: [Substring] = []
        var start = text.startIndex
        var quote: Character?
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if character == "|" {
                pieces.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        pieces.append(text[start...])
        return pieces
    }
}
