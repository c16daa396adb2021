/// A parsed document plus what Foundation's parser cannot say: where each value is.
struct ScannedJSON: Sendable {
    let value: JSONValue
    /// Location (see `FieldLocation`) to 1-based line: an object member's key line, an array
    /// element's first line.
    let lines: [String: Int]
    /// Repeated object keys: Foundation silently keeps the first, which hides the author's edit.
    let duplicateKeys: [RouteIssue]

    /// The line of a location, or of its nearest enclosing location when it is absent
    /// (a missing required field is reported where its object starts).
    func line(for location: String) -> Int {
        var current: String? = location
        while let here = current {
            if let line = lines[here] { return line }
            current = FieldLocation.parent(of: here)
        }
        return 1
    }
}
