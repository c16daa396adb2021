/// A template fault before it is tied to a field: bad placeholder syntax, or a filter that
/// cannot take the value it was given. The renderer and the validator add where it happened.
struct TemplateProblem: Error, Sendable, Equatable {
    let message: String

    init(_ message: String) {
        self.message = message
    }
}
