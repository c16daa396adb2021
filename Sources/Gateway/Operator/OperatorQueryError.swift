/// A query parameter an operator endpoint cannot use: answered 400 with this message.
struct OperatorQueryError: Error, Sendable, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
