/// Fields that are alternatives: at most one may be given, and exactly one when required
/// (Luminous's `company_id` or `company_ids`).
struct FieldGroup: Sendable {
    let names: [String]
    let required: Bool
}
