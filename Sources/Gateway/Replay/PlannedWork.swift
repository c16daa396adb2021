import Routing

/// One job a re-drive or remap would touch, for the operator's dry-run listing. The running
/// server answers it as JSON and `gatehouse replay --url` reads it back, so both print the
/// same line as the offline verb.
public struct PlannedWork: Sendable, Equatable, CustomStringConvertible {
    public let jobID: String
    public let source: String
    public let eventID: String
    public let rule: String
    public let actions: [String]
    public let previousStatus: String?
    public let lastError: String?

    public init(jobID: String, source: String, eventID: String, rule: String, actions: [String],
                previousStatus: String?, lastError: String?) {
        self.jobID = jobID
        self.source = source
        self.eventID = eventID
        self.rule = rule
        self.actions = actions
        self.previousStatus = previousStatus
        self.lastError = lastError
    }

    public var description: String {
        var line = "\(jobID)  \(source)/\(eventID)  rule \(rule)  [\(actions.joined(separator: " → "))]"
        if let previousStatus { line += "  was \(previousStatus)" }
        if let lastError { line += "  last error: \(lastError)" }
        return line
    }

    public var json: JSONValue {
        .object(["job_id": .string(jobID), "source": .string(source), "event_id": .string(eventID), "rule": .string(rule),
                 "actions": .array(actions.map(JSONValue.string)),
                 "previous_status": previousStatus.map(JSONValue.string) ?? .null,
                 "last_error": lastError.map(JSONValue.string) ?? .null])
    }

    /// Reads `json` back; nil when a required field is missing.
    public init?(json: JSONValue) {
        guard case .string(let jobID)? = json[path: "job_id"], case .string(let source)? = json[path: "source"],
              case .string(let eventID)? = json[path: "event_id"], case .string(let rule)? = json[path: "rule"],
              case .array(let actions)? = json[path: "actions"] else { return nil }
        self.init(jobID: jobID, source: source, eventID: eventID, rule: rule, actions: actions.compactMap(\.scalarText),
                  previousStatus: json[path: "previous_status"]?.scalarText, lastError: json[path: "last_error"]?.scalarText)
    }
}
