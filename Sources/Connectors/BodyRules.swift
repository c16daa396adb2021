/// What an operation's JSON body must look like.
struct BodyRules: Sendable {
    let fields: [FieldRule]
    var groups: [FieldGroup] = []

    /// What the route checker insists a template gives.
    var requiredFields: [String] { fields.filter(\.required).map(\.name) }
}
