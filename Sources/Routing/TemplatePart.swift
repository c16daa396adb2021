/// A piece of a template string: literal text, or a placeholder to fill in.
enum TemplatePart: Sendable, Equatable {
    case text(String)
    case placeholder(Placeholder)
}
