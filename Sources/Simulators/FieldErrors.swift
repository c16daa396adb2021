/// Validation failures by field, in the order found: `{"field": ["message", ...]}`.
struct FieldErrors: Sendable {
    private(set) var fields: [(String, JSON)] = []

    var isEmpty: Bool { fields.isEmpty }

    func has(_ field: String) -> Bool { fields.contains { $0.0 == field } }

    mutating func add(_ field: String, _ message: String) {
        if let index = fields.firstIndex(where: { $0.0 == field }), case .array(var messages) = fields[index].1 {
            messages.append(.string(message))
            fields[index].1 = .array(messages)
        } else {
            fields.append((field, [.string(message)]))
        }
    }

    /// Replaces a field's entry with a structured value (DRF reports list items this way).
    mutating func set(_ field: String, _ value: JSON) {
        fields.removeAll { $0.0 == field }
        fields.append((field, value))
    }

    var json: JSON { .object(fields) }

    /// The first message, for the Laravel-style summary line.
    var firstMessage: String? {
        for (_, value) in fields {
            if let first = value[0]?.stringValue { return first }
        }
        return nil
    }
}
