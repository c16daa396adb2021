/// One job a re-drive or remap would touch, for the operator's dry-run listing.
public struct PlannedWork: Sendable, Equatable, CustomStringConvertible {
    public let jobID: String
    public let source: String
    public let eventID: String
    public let rule: String
    public let actions: [String]
    public let previousStatus: String?
    public let lastError: String?

    public var description: String {
        var line = "\(jobID)  \(source)/\(eventID)  rule \(rule)  [\(actions.joined(separator: " → "))]"
        if let previousStatus { line += "  was \(previousStatus)" }
        if let lastError { line += "  last error: \(lastError)" }
        return line
    }
}
