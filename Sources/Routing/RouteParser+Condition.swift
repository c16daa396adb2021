extension RouteParser {
    private static let conditionKinds = "equals, exists, in, prefix, all, any, not"

    mutating func condition(_ json: JSONValue, at location: String) -> Condition? {
        guard case .object(let fields) = json, fields.count == 1, let (kind, argument) = fields.first else {
            report("bad condition: expected an object with exactly one of \(Self.conditionKinds)", at: location)
            return nil
        }
        let here = FieldLocation.key(kind, in: location)
        switch kind {
        case "equals":
            guard let (path, value) = pathAnd("value", of: kind, in: argument, at: here, accepts: { _ in true }) else { return nil }
            return .equals(path: path, value: value)
        case "in":
            guard let (path, values) = pathAnd("values", of: kind, in: argument, at: here, accepts: { if case .array = $0 { true } else { false } }),
                  case .array(let list) = values
            else { return nil }
            return .oneOf(path: path, values: list)
        case "prefix":
            guard let (path, value) = pathAnd("value", of: kind, in: argument, at: here, accepts: { if case .string = $0 { true } else { false } }),
                  case .string(let text) = value
            else { return nil }
            return .prefix(path: path, value: text)
        case "exists":
            guard case .string(let path) = argument, !path.isEmpty else {
                report("bad condition: exists needs a path, like {\"exists\": \"data.object.email\"}", at: here)
                return nil
            }
            checkConditionPath(path, at: here)
            return .exists(path: path)
        case "all", "any":
            guard case .array(let elements) = argument else {
                report("bad condition: \(kind) needs a list of conditions", at: here)
                return nil
            }
            var conditions: [Condition] = []
            for (index, element) in elements.enumerated() {
                if let condition = condition(element, at: FieldLocation.index(index, in: here)) { conditions.append(condition) }
            }
            guard conditions.count == elements.count else { return nil }
            return kind == "all" ? .all(conditions) : .any(conditions)
        case "not":
            return condition(argument, at: here).map { .not($0) }
        default:
            report("bad condition: unknown kind '\(kind)' (expected one of \(Self.conditionKinds))", at: here)
            return nil
        }
    }

    /// Reads `{"path": "...", "<other>": ...}`, the shape equals, in and prefix share.
    private mutating func pathAnd(
        _ other: String, of kind: String, in argument: JSONValue, at location: String, accepts: (JSONValue) -> Bool
    ) -> (String, JSONValue)? {
        guard case .object(let fields) = argument, fields.count == 2,
              case .string(let path)? = fields["path"], !path.isEmpty,
              let value = fields[other], accepts(value)
        else {
            let shape = ["equals": "...", "in": "[...]", "prefix": "\"...\""][kind] ?? "..."
            report("bad condition: \(kind) needs {\"path\": \"...\", \"\(other)\": \(shape)}", at: location)
            return nil
        }
        checkConditionPath(path, at: FieldLocation.key("path", in: location))
        return (path, value)
    }

    /// Conditions test the body, so their paths are looked up in the example body (an
    /// `exists` path too: a misspelt one would never match, and the example documents it).
    private mutating func checkConditionPath(_ path: String, at location: String) {
        // `$event.type` reads the event in templates, but a condition sees only the body: such
        // a path never matched a real event, and a body with a `$event` key could make it true.
        if path.hasPrefix("$") {
            report("conditions test the body: '\(path)' is not a body path (use \"when\" for the event type)", at: location)
            return
        }
        if let example, example[path: path] == nil {
            report("path '\(path)' is not in the example", at: location)
        }
    }
}
