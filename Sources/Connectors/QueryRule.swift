/// An optional query parameter, taken from an action's `params`.
struct QueryRule: Sendable {
    /// The name in `params`.
    let name: String
    let kind: FieldKind
    /// The name on the wire when it differs (`email` is sent as Luminous's `email[eq]` filter).
    let wireName: String

    init(_ name: String, _ kind: FieldKind, wireName: String? = nil) {
        self.name = name
        self.kind = kind
        self.wireName = wireName ?? name
    }
}
