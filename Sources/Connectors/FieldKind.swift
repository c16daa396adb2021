/// What a body field or query parameter must hold.
enum FieldKind: Sendable {
    /// A string, non-blank when required, at most `maxLength` characters.
    case text(maxLength: Int?)
    case email(maxLength: Int?)
    /// A whole number; integer-valued text (`"12"`) is accepted and sent as a number, since
    /// templates often render ids as text.
    case integer(ClosedRange<Int>?)
    case boolean
    /// One of a few fixed strings.
    case choice([String])
    case textList(maxEach: Int?)
    case integerList
    /// YunoJuno's list of `{name, value}` objects, the value a scalar.
    case customFields(nonEmpty: Bool)
}
