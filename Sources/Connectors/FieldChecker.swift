import Routing

/// Checks one value against a `FieldKind`, returning the value to send.
enum FieldChecker {
    static func check(_ value: JSONValue, as kind: FieldKind, field: String, required: Bool) throws(FieldProblem) -> JSONValue {
        switch kind {
        case .text(let max):
            return .string(try text(value, field: field, required: required, max: max))
        case .email(let max):
            let address = try text(value, field: field, required: required, max: max)
            guard EmailAddress.isValid(address) else {
                throw FieldProblem(text: "\(field) \(ValueDescription.quoted(address)) is not an email address")
            }
            return .string(address)
        case .integer(let range):
            return .int(Int64(try integer(value, field: field, range: range)))
        case .boolean:
            guard case .bool = value else { throw FieldProblem(text: "\(field) must be true or false, got \(ValueDescription.of(value))") }
            return value
        case .choice(let allowed):
            guard case .string(let s) = value, allowed.contains(s) else {
                throw FieldProblem(text: "\(field) must be one of \(allowed.joined(separator: ", ")), got \(ValueDescription.of(value))")
            }
            return value
        case .textList(let maxEach):
            guard case .array(let items) = value else { throw FieldProblem(text: "\(field) must be a list of text, got \(ValueDescription.of(value))") }
            for (i, item) in items.enumerated() {
                _ = try text(item, field: "\(field) item \(i + 1)", required: false, max: maxEach)
            }
            return value
        case .integerList:
            guard case .array(let items) = value, !items.isEmpty else {
                throw FieldProblem(text: "\(field) must be a non-empty list of integers, got \(ValueDescription.of(value))")
            }
            var numbers: [JSONValue] = []
            for (i, item) in items.enumerated() {
                numbers.append(.int(Int64(try integer(item, field: "\(field) item \(i + 1)", range: nil))))
            }
            return .array(numbers)
        case .customFields(let nonEmpty):
            return try customFields(value, field: field, nonEmpty: nonEmpty)
        }
    }

    private static func text(_ value: JSONValue, field: String, required: Bool, max: Int?) throws(FieldProblem) -> String {
        guard case .string(let s) = value else { throw FieldProblem(text: "\(field) must be text, got \(ValueDescription.of(value))") }
        if required && s.allSatisfy({ $0.isWhitespace }) { throw FieldProblem(text: "\(field) is empty") }
        // The APIs count characters as code points (Python's len, PHP's mb_strlen).
        let length = s.unicodeScalars.count
        if let max, length > max { throw FieldProblem(text: "\(field) is longer than \(max) characters (\(length))") }
        return s
    }

    static func integer(_ value: JSONValue, field: String, range: ClosedRange<Int>?) throws(FieldProblem) -> Int {
        let number: Int?
        switch value {
        case .int(let i): number = Int(exactly: i)
        case .double(let d): number = d.rounded() == d ? Int(exactly: d) : nil
        case .string(let s): number = Int(s)
        default: number = nil
        }
        guard let number else {
            throw FieldProblem(text: "\(field) must be an integer\(rangeText(range)), got \(ValueDescription.of(value))")
        }
        if let range, !range.contains(number) {
            throw FieldProblem(text: "\(field) must be an integer\(rangeText(range)), got \(number)")
        }
        return number
    }

    private static func rangeText(_ range: ClosedRange<Int>?) -> String {
        guard let range else { return "" }
        return range.upperBound == Int.max ? " of at least \(range.lowerBound)" : " from \(range.lowerBound) to \(range.upperBound)"
    }

    private static func customFields(_ value: JSONValue, field: String, nonEmpty: Bool) throws(FieldProblem) -> JSONValue {
        guard case .array(let items) = value else {
            throw FieldProblem(text: "\(field) must be a list of {name, value} objects, got \(ValueDescription.of(value))")
        }
        if nonEmpty && items.isEmpty { throw FieldProblem(text: "\(field) must not be empty") }
        for (i, item) in items.enumerated() {
            let position = "\(field) item \(i + 1)"
            guard case .object(let members) = item else { throw FieldProblem(text: "\(position) must be a {name, value} object") }
            guard case .string(let name)? = members["name"], !name.allSatisfy({ $0.isWhitespace }) else {
                throw FieldProblem(text: "\(position) needs a name")
            }
            switch members["value"] {
            case nil: throw FieldProblem(text: "\(position) (\(ValueDescription.quoted(name))) needs a value")
            case .array?, .object?: throw FieldProblem(text: "\(position) (\(ValueDescription.quoted(name))) value must be text, a number, a boolean or null")
            default: break
            }
        }
        return value
    }
}
