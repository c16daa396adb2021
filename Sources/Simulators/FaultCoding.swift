/// The JSON form of faults used by the control surface:
/// `{"fault": "status", "status": 503, "body": "...", "times": 2, "method": "POST", "path_prefix": "/contacts"}`,
/// with `fault` one of `status`, `too_many_requests` (`retry_after_seconds`),
/// `delay` (`milliseconds`), `drop`, `drop_after_commit`.
enum FaultCoding {
    struct Invalid: Error, Sendable {
        let reason: String
    }

    static func decode(_ json: JSON) throws(Invalid) -> QueuedFault {
        guard json.objectValue != nil else { throw Invalid(reason: "expected a JSON object") }
        guard let kind = json["fault"]?.stringValue else { throw Invalid(reason: "\"fault\" is required: status, too_many_requests, delay, drop or drop_after_commit") }
        let fault: Fault
        switch kind {
        case "status":
            guard let code = json["status"]?.intValue, (100...599).contains(code) else { throw Invalid(reason: "\"status\" must be an integer 100-599") }
            if let body = json["body"], !body.isNull, body.stringValue == nil {
                // A JSON body may be given as a value rather than a string, for convenience.
                fault = .status(code, body: JSONWriter.string(body))
            } else {
                fault = .status(code, body: json["body"]?.stringValue)
            }
        case "too_many_requests":
            guard let seconds = json["retry_after_seconds"]?.intValue, seconds >= 0 else { throw Invalid(reason: "\"retry_after_seconds\" must be a non-negative integer") }
            fault = .tooManyRequests(retryAfterSeconds: seconds)
        case "delay":
            guard let ms = json["milliseconds"]?.intValue, ms >= 0 else { throw Invalid(reason: "\"milliseconds\" must be a non-negative integer") }
            fault = .delay(milliseconds: ms)
        case "drop": fault = .drop
        case "drop_after_commit": fault = .dropAfterCommit
        default: throw Invalid(reason: "unknown fault \"\(kind)\"")
        }
        let times = json["times"]?.intValue ?? 1
        guard times > 0 else { throw Invalid(reason: "\"times\" must be a positive integer") }
        return QueuedFault(fault: fault, remaining: times, method: json["method"]?.stringValue, pathPrefix: json["path_prefix"]?.stringValue)
    }

    static func encode(_ queued: QueuedFault) -> JSON {
        var members: [(String, JSON)]
        switch queued.fault {
        case .status(let code, let body): members = [("fault", "status"), ("status", .int(code)), ("body", .optional(body))]
        case .tooManyRequests(let seconds): members = [("fault", "too_many_requests"), ("retry_after_seconds", .int(seconds))]
        case .delay(let ms): members = [("fault", "delay"), ("milliseconds", .int(ms))]
        case .drop: members = [("fault", "drop")]
        case .dropAfterCommit: members = [("fault", "drop_after_commit")]
        }
        members += [("times", .int(queued.remaining)), ("method", .optional(queued.method)), ("path_prefix", .optional(queued.pathPrefix))]
        return .object(members)
    }
}
