import Routing

/// Checks an action against its operation's rules and builds the request, reporting every
/// problem at once so a route author can fix them in one go.
struct ActionValidator {
    let definition: OperationDefinition
    private var problems: [String] = []

    private init(definition: OperationDefinition) { self.definition = definition }

    static func prepare(_ action: RenderedAction, as definition: OperationDefinition) -> Result<PreparedRequest, InvalidAction> {
        var validator = ActionValidator(definition: definition)
        let path = validator.path(action.params)
        let query = validator.query(action.params)
        validator.rejectUnknownParameters(action.params)
        let body = validator.body(action.body)
        guard validator.problems.isEmpty else {
            return .failure(InvalidAction(message: "\(definition.label): " + validator.problems.joined(separator: "; ")))
        }
        let target = query.isEmpty ? path : path + "?" + URLEscaping.query(query)
        return .success(PreparedRequest(method: definition.method, target: target, body: body, params: action.params))
    }

    private mutating func path(_ params: [String: String]) -> String {
        var segments: [String] = []
        for segment in definition.path.split(separator: "/", omittingEmptySubsequences: false) {
            guard segment.hasPrefix("{"), segment.hasSuffix("}") else {
                segments.append(String(segment))
                continue
            }
            let name = String(segment.dropFirst().dropLast())
            guard let value = params[name], !value.isEmpty else {
                problems.append("path parameter \(name) is missing")
                continue
            }
            if definition.integerParameters.contains(name) {
                guard value.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), Int(value) != nil else {
                    problems.append("path parameter \(name) \(ValueDescription.quoted(value)) is not an integer")
                    continue
                }
            }
            // Escaping cannot stop a client from resolving these as "here" and "up".
            guard value != ".", value != ".." else {
                problems.append("path parameter \(name) \(ValueDescription.quoted(value)) is not an identifier")
                continue
            }
            segments.append(URLEscaping.escape(value))
        }
        return segments.joined(separator: "/")
    }

    private mutating func query(_ params: [String: String]) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for rule in definition.query {
            guard let text = params[rule.name] else { continue }
            do {
                let value = try FieldChecker.check(.string(text), as: rule.kind, field: rule.name, required: true)
                pairs.append((rule.wireName, value.scalarText ?? text))
            } catch {
                problems.append(error.text)
            }
        }
        return pairs
    }

    private mutating func rejectUnknownParameters(_ params: [String: String]) {
        let known = Set(definition.pathParameters + definition.query.map(\.name))
        for name in params.keys.sorted() where !known.contains(name) {
            problems.append("unknown parameter \(name)")
        }
    }

    private mutating func body(_ body: JSONValue?) -> JSONValue? {
        guard let rules = definition.body else {
            switch body {
            case nil, .null?, .object([:])?: return nil
            default:
                problems.append("takes no body")
                return nil
            }
        }
        guard case .object(var members)? = body else {
            problems.append(body.map { "the body must be a JSON object, got \(ValueDescription.of($0))" } ?? "a JSON object body is required")
            return nil
        }
        for rule in rules.fields {
            guard let value = members[rule.name], value != .null else {
                if rule.required { problems.append("\(rule.name) is required") }
                continue
            }
            do {
                members[rule.name] = try FieldChecker.check(value, as: rule.kind, field: rule.name, required: rule.required)
            } catch {
                problems.append(error.text)
            }
        }
        for group in rules.groups {
            let given = group.names.filter { members[$0].map { $0 != .null } ?? false }
            if given.count > 1 {
                problems.append("give only one of \(group.names.joined(separator: ", "))")
            } else if given.isEmpty && group.required {
                problems.append("\(group.names.joined(separator: " or ")) is required")
            }
        }
        return .object(members)
    }
}
