extension RouteParser {
    mutating func actionList(_ json: JSONValue?, in ruleLocation: String) -> [ActionTemplate] {
        let location = FieldLocation.key("actions", in: ruleLocation)
        guard let json else {
            report("missing \"actions\"", at: ruleLocation)
            return []
        }
        guard case .array(let elements) = json, !elements.isEmpty else {
            report("\"actions\" must be a non-empty list", at: location)
            return []
        }
        var actions: [ActionTemplate] = []
        var earlier: Set<String> = []
        for (index, element) in elements.enumerated() {
            let actionLocation = FieldLocation.index(index, in: location)
            if let action = action(element, at: actionLocation, earlierActions: earlier) { actions.append(action) }
            if case .object(let fields) = element, case .string(let name)? = fields["name"], !earlier.insert(name).inserted {
                report("duplicate action name '\(name)'", at: FieldLocation.key("name", in: actionLocation))
            }
        }
        return actions
    }

    /// `earlierActions` nil: the action stands alone (decoded from a log), so `$actions`
    /// references cannot be checked.
    mutating func action(_ json: JSONValue, at location: String, earlierActions: Set<String>?) -> ActionTemplate? {
        guard case .object(let fields) = json else {
            report("an action must be an object", at: location)
            return nil
        }
        let start = issues.count
        unknownKeys(in: fields, allowed: ["name", "description", "api", "operation", "params", "body"], at: location)
        let name = requiredText(fields, "name", at: location)
        if let name, !Self.isValidActionName(name) {
            report("bad action name '\(name)' (letters, digits, '-' and '_' only)", at: FieldLocation.key("name", in: location))
        }
        let api = requiredText(fields, "api", at: location)
        let operation = requiredText(fields, "operation", at: location)
        var params: [String: JSONValue] = [:]
        if let json = fields["params"] {
            let paramsLocation = FieldLocation.key("params", in: location)
            if case .object(let members) = json {
                params = members
                for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                    template(value, at: FieldLocation.key(key, in: paramsLocation), earlierActions: earlierActions)
                }
            } else {
                report("\"params\" must be an object of path parameters", at: paramsLocation)
            }
        }
        let body = fields["body"]
        if let body {
            template(body, at: FieldLocation.key("body", in: location), earlierActions: earlierActions)
        }
        if let api, let operation, let operations {
            check(api: api, operation: operation, params: fields["params"], body: body, against: operations, at: location)
        }
        guard issues.count == start, let name, let api, let operation else { return nil }
        return ActionTemplate(name: name, api: api, operation: operation, params: params, body: body)
    }

    private mutating func check(
        api: String, operation: String, params: JSONValue?, body: JSONValue?, against operations: [OperationSpec], at location: String
    ) {
        let offered = operations.filter { $0.api == api }
        guard !offered.isEmpty else {
            let known = Set(operations.map(\.api)).sorted().joined(separator: ", ")
            report("unknown api '\(api)'" + (known.isEmpty ? "" : " (known: \(known))"), at: FieldLocation.key("api", in: location))
            return
        }
        guard let spec = offered.first(where: { $0.operation == operation }) else {
            report("unknown operation '\(operation)' for api '\(api)'", at: FieldLocation.key("operation", in: location))
            return
        }
        let paramsLocation = FieldLocation.key("params", in: location)
        var given: [String: JSONValue] = [:]
        if case .object(let members)? = params { given = members }
        for parameter in spec.pathParameters where given[parameter] == nil {
            report("missing path parameter '\(parameter)' for \(api).\(operation)", at: paramsLocation)
        }
        for parameter in given.keys.sorted() where !spec.pathParameters.contains(parameter) && !spec.queryParameters.contains(parameter) {
            report("unknown parameter '\(parameter)' for \(api).\(operation)", at: FieldLocation.key(parameter, in: paramsLocation))
        }
        let bodyLocation = FieldLocation.key("body", in: location)
        switch body {
        case .object?, nil:
            for field in spec.requiredFields where body?[path: field] == nil {
                report("missing required field '\(field)' for \(api).\(operation)", at: bodyLocation)
            }
            for problem in spec.bodyProblems(body) {
                report("\(api).\(operation): \(problem)", at: bodyLocation)
            }
        default:
            // A body that is one placeholder (`{{ data.object }}`) is only known per event.
            break
        }
    }

    /// Names are read back as `$actions.<name>.field`, so they cannot hold dots or spaces.
    static func isValidActionName(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_")
        }
    }
}
