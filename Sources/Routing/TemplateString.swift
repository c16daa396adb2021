/// A template string split into literal text and placeholders.
struct TemplateString: Sendable, Equatable {
    let parts: [TemplatePart]

    /// The placeholder when the string is exactly one (no text around it): its value then keeps
    /// its JSON type instead of being turned into text.
    var wholeValue: Placeholder? {
        if parts.count == 1, case .placeholder(let only) = parts[0] { return only }
        return nil
    }

    var placeholders: [Placeholder] {
        parts.compactMap { part in
            if case .placeholder(let placeholder) = part { return placeholder }
            return nil
        }
    }

    static func parse(_ text: String) throws(TemplateProblem) -> TemplateString {
        let characters = Array(text)
        var parts: [TemplatePart] = []
        var literal = ""
        var index = 0
        while index < characters.count {
            guard isPair("{", at: index, in: characters) else {
                literal.append(characters[index])
                index += 1
                continue
            }
            let close = try closing(from: index + 2, in: characters)
            if !literal.isEmpty { parts.append(.text(literal)); literal = "" }
            let inner = String(characters[(index + 2)..<close])
            parts.append(.placeholder(try Placeholder.parse(inner[...])))
            index = close + 2
        }
        if !literal.isEmpty { parts.append(.text(literal)) }
        return TemplateString(parts: parts)
    }

    /// Finds the `}}` that ends a placeholder, skipping quoted filter arguments (`default:'}}'`).
    private static func closing(from start: Int, in characters: [Character]) throws(TemplateProblem) -> Int {
        var quote: Character?
        var index = start
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "'" || character == "\"" {
                quote = character
            } else if isPair("}", at: index, in: characters) {
                return index
            } else if isPair("{", at: index, in: characters) {
                break
            }
            index += 1
        }
        let opened = String(characters[(start - 2)..<min(characters.count, start + 30)])
        throw TemplateProblem("malformed placeholder: '{{' without '}}' in \"\(opened)\"")
    }

    private static func isPair(_ brace: Character, at index: Int, in characters: [Character]) -> Bool {
        index + 1 < characters.count && characters[index] == brace && characters[index + 1] == brace
    }
}
