import Routing

/// One API operation as data: how it is validated, sent, read and recovered.
struct OperationDefinition: Sendable {
    let api: APIName
    let name: String
    let method: String
    /// Below the base URL, with `{name}` for path parameters (`/contacts/{id}`).
    let path: String
    /// Path parameters that must be whole numbers (Grow CRM and Luminous ids).
    var integerParameters: Set<String> = []
    var query: [QueryRule] = []
    /// nil when the operation sends no body.
    var body: BodyRules? = nil
    let result: ResultShape
    var recovery: Recovery = .resend
    /// How to find the existing record when the API refuses a create as a duplicate.
    var duplicateFinder: RecordFinder? = nil

    /// `api operation`, the prefix of every message about this operation.
    var label: String { "\(api.rawValue) \(name)" }

    var pathParameters: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    var spec: OperationSpec {
        let rules = body
        return OperationSpec(api: api.rawValue, operation: name, pathParameters: pathParameters,
                             requiredFields: body?.requiredFields ?? [], queryParameters: query.map(\.name),
                             bodyProblems: { Self.literalProblems($0, rules) })
    }

    /// What `ActionValidator` would refuse in `body` whatever the event: literal values of the
    /// wrong kind, a required group with no member at all, a body for an operation that takes
    /// none. Fields given by a placeholder are only known per event and are left alone.
    static func literalProblems(_ body: JSONValue?, _ rules: BodyRules?) -> [String] {
        guard let rules else {
            switch body {
            case nil, .null?, .object([:])?: return []
            default: return ["takes no body"]
            }
        }
        guard case .object(let members)? = body else { return [] }
        func isTemplate(_ value: JSONValue) -> Bool {
            if case .string(let text) = value { return text.contains("{{") }
            return false
        }
        var problems: [String] = []
        for rule in rules.fields {
            guard let value = members[rule.name], value != .null, !isTemplate(value) else { continue }
            do { _ = try FieldChecker.check(value, as: rule.kind, field: rule.name, required: rule.required) } catch {
                problems.append(error.text)
            }
        }
        for group in rules.groups where group.required && !group.names.contains(where: { members[$0] != nil }) {
            problems.append("\(group.names.joined(separator: " or ")) is required")
        }
        return problems
    }
}
