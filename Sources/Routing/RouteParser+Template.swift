extension RouteParser {
    /// Checks every placeholder in a template value. `earlierActions` are the names `$actions`
    /// may use (nil: unknown, do not check).
    mutating func template(_ json: JSONValue, at location: String, earlierActions: Set<String>?) {
        switch json {
        case .string(let text):
            guard text.contains("{{") else { return }
            do {
                for placeholder in try TemplateString.parse(text).placeholders {
                    check(placeholder, at: location, earlierActions: earlierActions)
                }
            } catch {
                report(error.message, at: location)
            }
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                template(element, at: FieldLocation.index(index, in: location), earlierActions: earlierActions)
            }
        case .object(let members):
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                template(member, at: FieldLocation.key(key, in: location), earlierActions: earlierActions)
            }
        default:
            break
        }
    }

    private mutating func check(_ placeholder: Placeholder, at location: String, earlierActions: Set<String>?) {
        let segments = placeholder.segments
        switch segments[0] {
        case "$actions":
            guard segments.count > 1, let earlierActions else { return }
            let name = String(segments[1])
            if !earlierActions.contains(name) {
                report("'$actions.\(name)' is not an earlier action of this rule", at: location)
            }
        case "$event":
            if segments.count > 1, !Placeholder.eventFields.contains(String(segments[1])) {
                report("unknown event field '$event.\(segments[1])' (id, type, source, received_at)", at: location)
            }
        default:
            if let example, !placeholder.toleratesMissing, example[path: placeholder.path] == nil {
                report("path '\(placeholder.path)' is not in the example", at: location)
            }
        }
    }
}
