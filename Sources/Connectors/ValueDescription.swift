import Routing

/// Short renderings of values for validation messages: enough to recognise the value,
/// never a whole document.
enum ValueDescription {
    static func of(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return quoted(s)
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    static func quoted(_ text: String) -> String {
        let limit = 60
        let shown = text.count > limit ? String(text.prefix(limit)) + "…" : text
        return "\"\(shown)\""
    }
}
