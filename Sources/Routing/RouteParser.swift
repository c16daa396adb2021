/// Reads a route document's `rules` (and `example`) into values, collecting every problem
/// instead of stopping at the first: loading throws the first, the checker reports them all.
/// The checker also turns on the checks that need outside knowledge (operations, the example).
struct RouteParser {
    /// When set, actions must name one of these, with its path parameters and required fields.
    var operations: [OperationSpec]?
    /// When set, template and condition paths must resolve in the file's `example`.
    var checksExample = false
    private(set) var issues: [RouteIssue] = []
    /// The example body once `document` has read it (only when `checksExample`).
    private(set) var example: JSONValue?

    mutating func report(_ message: String, at location: String) {
        issues.append(RouteIssue(message: message, location: location))
    }

    mutating func document(_ json: JSONValue) -> (rules: [Rule], example: JSONValue?) {
        guard case .object(let top) = json else {
            report("a route file must be a JSON object", at: "")
            return ([], nil)
        }
        // Misspelt settings were dropped without a word (`"rule": [...]` loaded no rules, and
        // every event was accepted and routed nowhere): every key at every level is known.
        unknownKeys(in: top, allowed: ["description", "verify", "event", "rules", "example"], at: "")
        if case .object(let verify)? = top["verify"] {
            unknownKeys(in: verify, allowed: ["scheme", "secrets", "hmac", "tolerance_seconds"], at: "verify")
            if case .object(let hmac)? = verify["hmac"] {
                unknownKeys(in: hmac, allowed: ["header", "encoding", "prefix", "timestamp_header", "id_header"], at: "verify.hmac")
            }
        }
        if case .object(let event)? = top["event"] {
            unknownKeys(in: event, allowed: ["id", "type", "type_header"], at: "event")
        }
        let example = top["example"]
        if let example {
            if case .object = example {
                if checksExample { self.example = example }
            } else {
                report("\"example\" must be an object (an event body)", at: "example")
            }
        }
        guard let rulesJSON = top["rules"] else { return ([], example) }
        guard case .array(let elements) = rulesJSON else {
            report("\"rules\" must be a list", at: "rules")
            return ([], example)
        }
        var rules: [Rule] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let location = FieldLocation.index(index, in: "rules")
            if let rule = rule(element, at: location) { rules.append(rule) }
            if case .object(let fields) = element, case .string(let name)? = fields["name"], !names.insert(name).inserted {
                report("duplicate rule name '\(name)'", at: FieldLocation.key("name", in: location))
            }
        }
        return (rules, example)
    }

    mutating func rule(_ json: JSONValue, at location: String) -> Rule? {
        guard case .object(let fields) = json else {
            report("a rule must be an object", at: location)
            return nil
        }
        let start = issues.count
        unknownKeys(in: fields, allowed: ["name", "description", "when", "if", "key", "actions", "notify"], at: location)
        let name = requiredText(fields, "name", at: location)
        let when = typeMatcher(fields["when"], at: FieldLocation.key("when", in: location))
        var condition: Condition?
        if let json = fields["if"] {
            condition = self.condition(json, at: FieldLocation.key("if", in: location))
        }
        if let key = fields["key"] {
            // The key is computed when the event is planned, before any action has a result.
            template(key, at: FieldLocation.key("key", in: location), earlierActions: [])
        }
        let actions = actionList(fields["actions"], in: location)
        let notify = textList(fields["notify"], at: FieldLocation.key("notify", in: location))
        guard issues.count == start, let name, let when else { return nil }
        return Rule(name: name, when: when, condition: condition, key: fields["key"], actions: actions, notify: notify)
    }

    mutating func typeMatcher(_ json: JSONValue?, at location: String) -> TypeMatcher? {
        guard let json else { return .any }
        guard case .object(let fields) = json else {
            report("\"when\" must be an object like {\"type\": \"...\"}", at: location)
            return nil
        }
        unknownKeys(in: fields, allowed: ["type"], at: location)
        let typeLocation = FieldLocation.key("type", in: location)
        let patterns: [String]
        switch fields["type"] {
        case nil: return .any
        case .string(let one)?: patterns = [one]
        case .array(let many)? where !many.isEmpty:
            patterns = many.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
            guard patterns.count == many.count else {
                report("\"type\" must be text or a list of text", at: typeLocation)
                return nil
            }
        default:
            report("\"type\" must be text or a non-empty list of text", at: typeLocation)
            return nil
        }
        for pattern in patterns where !Self.isValidTypePattern(pattern) {
            report("bad type pattern '\(pattern)' ('*' only as a whole pattern or as a final '.*')", at: typeLocation)
        }
        return .patterns(patterns)
    }

    mutating func unknownKeys(in fields: [String: JSONValue], allowed: Set<String>, at location: String) {
        for key in fields.keys.sorted() where !allowed.contains(key) {
            report("unknown key '\(key)' (expected \(allowed.sorted().joined(separator: ", ")))", at: FieldLocation.key(key, in: location))
        }
    }

    mutating func requiredText(_ fields: [String: JSONValue], _ key: String, at location: String) -> String? {
        switch fields[key] {
        case nil:
            report("missing \"\(key)\"", at: location)
            return nil
        case .string(let text)? where !text.isEmpty:
            return text
        default:
            report("\"\(key)\" must be non-empty text", at: FieldLocation.key(key, in: location))
            return nil
        }
    }

    private mutating func textList(_ json: JSONValue?, at location: String) -> [String] {
        guard let json else { return [] }
        if case .array(let elements) = json {
            let texts = elements.compactMap { if case .string(let text) = $0, !text.isEmpty { return text } else { return nil } }
            if texts.count == elements.count { return texts }
        }
        report("must be a list of non-empty text", at: location)
        return []
    }

    private static func isValidTypePattern(_ pattern: String) -> Bool {
        guard !pattern.isEmpty else { return false }
        if pattern == "*" { return true }
        let stem = pattern.hasSuffix(".*") ? String(pattern.dropLast(2)) : pattern
        return !stem.isEmpty && !stem.contains("*")
    }

    /// Decodes a route value through the same checks as a route file, so a stored rule can
    /// never hold something a file could not.
    static func decode<Value>(_ decoder: any Decoder, _ read: (inout RouteParser, JSONValue) -> Value?) throws -> Value {
        let json = try JSONValue(from: decoder)
        var parser = RouteParser()
        if let value = read(&parser, json), parser.issues.isEmpty { return value }
        throw DecodingError.dataCorrupted(
            DecodingError.Context(codingPath: decoder.codingPath, debugDescription: parser.issues.first?.text ?? "invalid route value"))
    }
}
