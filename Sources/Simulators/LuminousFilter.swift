import Foundation

/// One `field[op]=value` list filter (`email[eq]=a@b.c`). Comparisons ignore case, as the
/// MySQL collations behind such APIs usually do. Only `eq`, `ne` and `like` on a few text
/// fields are simulated; anything else is refused with a 422 rather than silently ignored,
/// because an ignored filter would make a look-up by email match every contact.
struct LuminousFilter: Sendable {
    static let fields = ["id", "first_name", "last_name", "email", "phone", "status"]
    static let operators = ["eq", "ne", "like"]

    let field: String
    let op: String
    let value: String

    static func parse(_ query: [String: String], errors: inout FieldErrors) -> [LuminousFilter] {
        var filters: [LuminousFilter] = []
        for (key, value) in query.sorted(by: { $0.key < $1.key }) {
            guard key.hasSuffix("]"), let open = key.firstIndex(of: "[") else { continue }
            let field = String(key[..<open])
            let op = String(key[key.index(after: open)..<key.index(before: key.endIndex)])
            guard fields.contains(field) else {
                errors.add(key, "Filtering on \(field) is not supported.")
                continue
            }
            guard operators.contains(op) else {
                errors.add(key, "The filter operator \(op) is not supported.")
                continue
            }
            filters.append(LuminousFilter(field: field, op: op, value: value))
        }
        return filters
    }

    func matches(_ contact: LuminousContact) -> Bool {
        let actual = contact.filterValue(field)?.lowercased()
        let wanted = value.lowercased()
        switch op {
        case "eq": return actual == wanted
        case "ne": return actual != wanted
        default:
            // SQL LIKE with the `%` wildcards taken as "anywhere".
            let needle = wanted.replacingOccurrences(of: "%", with: "")
            return actual.map { needle.isEmpty || $0.contains(needle) } ?? false
        }
    }
}
