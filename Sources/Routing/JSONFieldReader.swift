/// Reads a few scalar fields out of JSON documents without building them: for each path,
/// the same text as `try JSONValue.parse(bytes)[path: path]?.scalarText`, and the same
/// error for a document `parse` refuses. The intake needs only an event's id and type, and
/// building every body's dictionaries and strings was most of that cost.
public struct JSONFieldReader: Sendable {
    public let paths: [String]
    private let steps: [JSONPathSteps]

    /// At most 64 dotted paths (`data.object.id`, `items.0.id`), as `JSONValue[path:]` takes them.
    public init(paths: [String]) {
        precondition(paths.count <= 64, "at most 64 paths")
        self.paths = paths
        steps = paths.map(JSONPathSteps.init)
    }

    /// One entry per path, in order: nil where the path leads nowhere or to an object or list.
    public func scalarTexts(in bytes: [UInt8]) throws -> [String?] {
        try JSONParser.scalarTexts(at: steps, in: bytes)
    }
}
