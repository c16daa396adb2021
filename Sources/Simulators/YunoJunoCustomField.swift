import Foundation

/// One `{name, value}` custom field on a client contact. Values are kept as sent (string,
/// number, boolean or null): the documented schema does not narrow them.
struct YunoJunoCustomField: Sendable, Equatable {
    let name: String
    var value: JSON

    var json: JSON { ["name": .string(name), "value": value, "metadata": nil] }

    /// Reads a `custom_fields` list, reporting failures the way Django REST framework does
    /// for a nested list serializer: a list with one error object per item (`{}` when fine).
    static func parseList(_ value: JSON, field: String, errors: inout FieldErrors) -> [YunoJunoCustomField]? {
        let messages = DRFMessages()
        guard case .array(let items) = value else {
            errors.set(field, ["non_field_errors": [.string(messages.notList(field, got: value))]])
            return nil
        }
        var fields: [YunoJunoCustomField] = []
        var itemErrors: [JSON] = []
        var failed = false
        for item in items {
            guard item.objectValue != nil else {
                itemErrors.append(["non_field_errors": .array([.string("Invalid data. Expected a dictionary, but got \(typeName(item)).")])])
                failed = true
                continue
            }
            var problems: [(String, JSON)] = []
            let name = item["name"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines)
            if item["name"] == nil || item["name"] == .null {
                problems.append(("name", [.string(messages.required("name"))]))
            } else if name == nil {
                problems.append(("name", [.string(messages.notString("name"))]))
            } else if name!.isEmpty {
                problems.append(("name", [.string(messages.blank("name"))]))
            }
            switch item["value"] {
            case nil: problems.append(("value", [.string(messages.required("value"))]))
            case .array?, .object?: problems.append(("value", [.string(messages.notString("value"))]))
            default: break
            }
            itemErrors.append(.object(problems))
            if problems.isEmpty, let name, let value = item["value"] {
                fields.append(YunoJunoCustomField(name: name, value: value))
            } else {
                failed = true
            }
        }
        if failed {
            errors.set(field, .array(itemErrors))
            return nil
        }
        return fields
    }

    /// Applies `updates` by name: existing fields change value, new ones are added at the end.
    static func merge(_ updates: [YunoJunoCustomField], into fields: inout [YunoJunoCustomField]) {
        for update in updates {
            if let index = fields.firstIndex(where: { $0.name == update.name }) {
                fields[index].value = update.value
            } else {
                fields.append(update)
            }
        }
    }

    private static func typeName(_ value: JSON) -> String {
        switch value {
        case .string: return "str"
        case .int: return "int"
        case .double: return "float"
        case .bool: return "bool"
        case .array: return "list"
        default: return "NoneType"
        }
    }
}
