/// `gatehouse check` for route rules: every problem in a route file, each with its line,
/// sorted by line. Beyond what loading rejects, it checks actions against the operations the
/// connectors offer and, when the file has an `example`, that the paths used exist in it.
public enum RouteChecker {
    public static func check(file path: String, text: String, operations: [OperationSpec]) -> [Diagnostic] {
        let scanned: ScannedJSON
        do {
            scanned = try JSONLineScanner.scan(text)
        } catch {
            return [Diagnostic(file: path, line: error.line, message: "invalid JSON: \(error.message)")]
        }
        var parser = RouteParser(operations: operations, checksExample: true)
        _ = parser.document(scanned.value)
        let diagnostics = (scanned.duplicateKeys + parser.issues).map { issue in
            Diagnostic(file: path, line: issue.line ?? scanned.line(for: issue.location), message: issue.text)
        }
        // Sorted by line, ties kept in the order found (parents before children).
        return diagnostics.enumerated()
            .sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
    }
}
