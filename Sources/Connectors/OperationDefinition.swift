import Routing

/// One API operation as data: how it is validated, sent, read and recovered.
struct OperationDefinition: Sendable {
    let api: APIName
    let name: String
    let method: String
    /// Below the base URL, with `{name}` for path parameters (`/contacts/{id}`).
    let path: String
    /// Path parameters that must be whole numbers (Grow CRM and Luminous ids).
    var integerParameters: Set<String> = []
    var query: [QueryRule] = []
    /// nil when the operation sends no body.
    var body: BodyRules? = nil
    let result: ResultShape
    var recovery: Recovery = .resend
    /// How to find the existing record when the API refuses a create as a duplicate.
    var duplicateFinder: RecordFinder? = nil

    /// `api operation`, the prefix of every message about this operation.
    var label: String { "\(api.rawValue) \(name)" }

    var pathParameters: [String] {
        path.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    var spec: OperationSpec {
        OperationSpec(api: api.rawValue, operation: name, pathParameters: pathParameters,
                      requiredFields: body?.requiredFields ?? [], queryParameters: query.map(\.name))
    }
}
