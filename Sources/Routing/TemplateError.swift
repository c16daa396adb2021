/// A template that could not be filled in for one event.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the template (`body.email`, `params.id`, `body.tags[0]`).
    public let field: String
    /// The event path the placeholder read (empty for a syntax fault).
    public let path: String
    public let message: String

    public init(field: String, path: String, message: String) {
        self.field = field
        self.path = path
        self.message = message
    }

    public var description: String {
        field.isEmpty ? message : "\(field): \(message)"
    }
}
