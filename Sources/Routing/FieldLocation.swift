/// Names a place inside a JSON document the way diagnostics print it
/// (`rules[0].actions[1].body.email`). The line scanner and the validator both build names
/// through here, so a validator's location can be looked up in the scanner's line map.
enum FieldLocation {
    static func key(_ key: String, in parent: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }

    static func index(_ index: Int, in parent: String) -> String {
        parent + "[\(index)]"
    }

    /// The enclosing location, used to fall back to a parent's line when a field is absent.
    static func parent(of location: String) -> String? {
        guard !location.isEmpty else { return nil }
        if location.hasSuffix("]"), let open = location.lastIndex(of: "[") {
            return String(location[..<open])
        }
        if let dot = location.lastIndex(of: ".") {
            return String(location[..<dot])
        }
        return ""
    }
}
