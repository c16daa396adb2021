/// Django REST framework's default wording. YunoJuno's field limits (150 for names, the
/// Django user model's length) point to Django; its exact messages are *unconfirmed*.
struct DRFMessages: ValidationMessages {
    func required(_ field: String) -> String { "This field is required." }
    func blank(_ field: String) -> String { "This field may not be blank." }
    func tooLong(_ field: String, max: Int) -> String { "Ensure this field has no more than \(max) characters." }
    func notString(_ field: String) -> String { "Not a valid string." }
    func invalidEmail(_ field: String) -> String { "Enter a valid email address." }
    func notInteger(_ field: String) -> String { "A valid integer is required." }
    func notBoolean(_ field: String) -> String { "Must be a valid boolean." }
    func notList(_ field: String, got: JSON) -> String { "Expected a list of items but got type \"\(Self.pythonType(got))\"." }
    func invalidSelection(_ field: String) -> String { "Invalid value." }
    func taken(_ field: String) -> String { "This field must be unique." }

    private static func pythonType(_ value: JSON) -> String {
        switch value {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}
