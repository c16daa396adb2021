import Foundation

/// Reads typed fields out of a JSON object body, collecting every failure rather than
/// stopping at the first, as both Django REST framework and Laravel report them all at once.
struct Validator {
    let body: JSON
    let messages: any ValidationMessages
    /// Laravel (and DRF) trim strings before validating; Roosted's behaviour is unknown, so
    /// it keeps what was sent.
    let trims: Bool
    /// Laravel's `integer` and `boolean` rules accept `"12"`, `"1"` and `0`/`1`; DRF's
    /// and Roosted's strictness is assumed.
    let lenientScalars: Bool
    var errors = FieldErrors()

    init(body: JSON, messages: any ValidationMessages, trims: Bool = true, lenientScalars: Bool = false) {
        self.body = body
        self.messages = messages
        self.trims = trims
        self.lenientScalars = lenientScalars
    }

    /// Present with a non-null value.
    func has(_ field: String) -> Bool {
        guard let value = body[field] else { return false }
        return !value.isNull
    }

    mutating func string(_ field: String, required: Bool = false, max: Int? = nil) -> String? {
        guard let value = body[field], !value.isNull else {
            if required { errors.add(field, messages.required(field)) }
            return nil
        }
        guard case .string(let raw) = value else {
            errors.add(field, messages.notString(field))
            return nil
        }
        let text = trims ? raw.trimmingCharacters(in: .whitespacesAndNewlines) : raw
        if text.isEmpty {
            if required { errors.add(field, messages.blank(field)) }
            return nil
        }
        if let max, text.unicodeScalars.count > max {
            errors.add(field, messages.tooLong(field, max: max))
            return nil
        }
        return text
    }

    mutating func email(_ field: String, required: Bool = false, max: Int? = nil) -> String? {
        guard let text = string(field, required: required, max: max) else { return nil }
        guard EmailFormat.isValid(text) else {
            errors.add(field, messages.invalidEmail(field))
            return nil
        }
        return text
    }

    mutating func integer(_ field: String, required: Bool = false) -> Int? {
        guard let value = body[field], !value.isNull else {
            if required { errors.add(field, messages.required(field)) }
            return nil
        }
        if let number = Self.integer(value, lenient: lenientScalars) { return number }
        if lenientScalars, case .string(let s) = value, s.trimmingCharacters(in: .whitespaces).isEmpty, required {
            errors.add(field, messages.required(field))
            return nil
        }
        errors.add(field, messages.notInteger(field))
        return nil
    }

    static func integer(_ value: JSON, lenient: Bool) -> Int? {
        switch value {
        case .int(let i): return i
        case .double(let d) where lenient && d == d.rounded() && abs(d) < 1e15: return Int(d)
        case .string(let s) where lenient: return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    mutating func boolean(_ field: String) -> Bool? {
        guard let value = body[field], !value.isNull else { return nil }
        switch value {
        case .bool(let b): return b
        case .int(let i) where lenientScalars && (i == 0 || i == 1): return i == 1
        case .string(let s) where lenientScalars && (s == "0" || s == "1"): return s == "1"
        default:
            errors.add(field, messages.notBoolean(field))
            return nil
        }
    }

    /// A list of strings, each at most `maxEach` long; item failures are reported under
    /// `field.N` as Laravel does.
    mutating func stringList(_ field: String, maxEach: Int? = nil) -> [String]? {
        guard let value = body[field], !value.isNull else { return nil }
        guard case .array(let items) = value else {
            errors.add(field, messages.notList(field, got: value))
            return nil
        }
        var result: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let text) = item else {
                errors.add("\(field).\(i)", messages.notString("\(field).\(i)"))
                continue
            }
            if let maxEach, text.unicodeScalars.count > maxEach {
                errors.add("\(field).\(i)", messages.tooLong("\(field).\(i)", max: maxEach))
                continue
            }
            result.append(text)
        }
        return result
    }

    /// A string that must be one of `allowed`.
    mutating func choice(_ field: String, _ allowed: [String]) -> String? {
        guard let text = string(field) else { return nil }
        guard allowed.contains(text) else {
            errors.add(field, messages.invalidSelection(field))
            return nil
        }
        return text
    }
}
