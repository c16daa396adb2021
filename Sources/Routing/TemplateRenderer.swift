/// Fills action templates from an event. A template is any JSON value; strings in it may hold
/// `{{ path | filter }}` placeholders. A string that is exactly one placeholder takes the
/// value's JSON type; placeholders inside longer strings are spliced in as text.
public enum TemplateRenderer {
    /// Every filter a placeholder may use.
    public static let filters: Set<String> = FilterCall.names

    /// Renders a template. A root value dropped by `optional` comes back as `.null`.
    public static func render(_ template: JSONValue, context: JSONValue) throws(TemplateError) -> JSONValue {
        try render(template, context: context, field: "")
    }

    /// Renders a template whose errors should name fields under `field` (`body`, `params.id`).
    public static func render(_ template: JSONValue, context: JSONValue, field: String) throws(TemplateError) -> JSONValue {
        try renderOptional(template, context: context, field: field) ?? .null
    }

    /// Renders one string as text, whatever type its placeholders yield. Dropped by `optional`: "".
    public static func renderText(_ template: String, context: JSONValue) throws(TemplateError) -> String {
        try renderString(template, context: context, field: "")?.interpolationText ?? ""
    }

    /// The context placeholders read: the event body's fields at the top level, plus `$event`
    /// (`id`, `type`, `source`, `received_at`) and `$actions` (earlier actions' results by name).
    public static func context(
        body: JSONValue, eventID: String, eventType: String?, source: String, receivedAt: String,
        actions: [String: JSONValue] = [:]
    ) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        if case .object(let bodyFields) = body { fields = bodyFields }
        fields["$event"] = .object([
            "id": .string(eventID),
            "type": eventType.map(JSONValue.string) ?? .null,
            "source": .string(source),
            "received_at": .string(receivedAt),
        ])
        fields["$actions"] = .object(actions)
        return .object(fields)
    }

    /// nil means "omit me": an `optional` placeholder had no value, so the enclosing object
    /// field or list element disappears rather than being sent as something made up.
    static func renderOptional(_ template: JSONValue, context: JSONValue, field: String) throws(TemplateError) -> JSONValue? {
        switch template {
        case .string(let text):
            return try renderString(text, context: context, field: field)
        case .array(let elements):
            var rendered: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                if let value = try renderOptional(element, context: context, field: FieldLocation.index(index, in: field)) {
                    rendered.append(value)
                }
            }
            return .array(rendered)
        case .object(let members):
            var rendered: [String: JSONValue] = [:]
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                if let value = try renderOptional(member, context: context, field: FieldLocation.key(key, in: field)) {
                    rendered[key] = value
                }
            }
            return .object(rendered)
        default:
            return template
        }
    }

    private static func renderString(_ text: String, context: JSONValue, field: String) throws(TemplateError) -> JSONValue? {
        guard text.contains("{{") else { return .string(text) }
        let template: TemplateString
        do {
            template = try TemplateString.parse(text)
        } catch {
            throw TemplateError(field: field, path: "", message: error.message)
        }
        if let whole = template.wholeValue {
            return try whole.evaluate(in: context, field: field)
        }
        var result = ""
        for part in template.parts {
            switch part {
            case .text(let literal):
                result += literal
            case .placeholder(let placeholder):
                guard let value = try placeholder.evaluate(in: context, field: field) else { return nil }
                result += value.interpolationText
            }
        }
        return .string(result)
    }
}
