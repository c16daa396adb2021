/// The rules of one route file (`routes/<source>.json`), ready to match events.
/// `verify` and `event` are read elsewhere; this reads `rules` and `example`.
public struct RouteRules: Sendable {
    public let source: String
    public let rules: [Rule]
    /// An example event body, for documentation and for the checker's path checks.
    public let example: JSONValue?

    public init(source: String, rules: [Rule], example: JSONValue? = nil) {
        self.source = source
        self.rules = rules
        self.example = example
    }

    /// Reads an already parsed route document. The error names the place but has no line.
    public static func parse(source: String, document: JSONValue) throws(RouteError) -> RouteRules {
        var parser = RouteParser()
        let (rules, example) = parser.document(document)
        if let first = parser.issues.first { throw RouteError(message: first.text) }
        return RouteRules(source: source, rules: rules, example: example)
    }

    /// Reads a route file's text; the error carries the line of the first problem.
    /// `operations`: the APIs' operations, so an action naming one that does not exist is
    /// refused when the routes load, not at every event.
    public static func parse(source: String, text: String, operations: [OperationSpec]? = nil) throws(RouteError) -> RouteRules {
        let scanned: ScannedJSON
        do {
            scanned = try JSONLineScanner.scan(text)
        } catch {
            throw RouteError(message: "invalid JSON: \(error.message)", line: error.line)
        }
        var parser = RouteParser(operations: operations)
        let (rules, example) = parser.document(scanned.value)
        let issues = scanned.duplicateKeys + parser.issues
        let first = issues.enumerated().min { a, b in
            (a.element.line ?? scanned.line(for: a.element.location), a.offset) < (b.element.line ?? scanned.line(for: b.element.location), b.offset)
        }
        if let first = first?.element {
            throw RouteError(message: first.text, line: first.line ?? scanned.line(for: first.location))
        }
        return RouteRules(source: source, rules: rules, example: example)
    }

    /// The rules that answer this event, in file order.
    public func matching(eventType: String?, body: JSONValue) -> [Rule] {
        rules.filter { $0.matches(eventType: eventType, body: body) }
    }
}
