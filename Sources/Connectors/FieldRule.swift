/// One body field an operation knows about. Fields without a rule pass through unchecked:
/// the APIs accept more than the gateway needs to understand.
struct FieldRule: Sendable {
    let name: String
    let kind: FieldKind
    let required: Bool

    static func text(_ name: String, max: Int? = nil, required: Bool = false) -> FieldRule {
        FieldRule(name: name, kind: .text(maxLength: max), required: required)
    }

    static func email(_ name: String, max: Int? = nil, required: Bool = false) -> FieldRule {
        FieldRule(name: name, kind: .email(maxLength: max), required: required)
    }

    static func integer(_ name: String, required: Bool = false) -> FieldRule {
        FieldRule(name: name, kind: .integer(nil), required: required)
    }

    static func boolean(_ name: String) -> FieldRule {
        FieldRule(name: name, kind: .boolean, required: false)
    }
}
