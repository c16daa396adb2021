/// The fields of a contact create or partial update, validated with Laravel's rules.
/// A field sent as null clears it on update; a field not sent is left alone.
struct LuminousContactInput {
    var text: [String: String?] = [:]
    var flags: [String: Bool] = [:]
    var tags: [String]?
    var companyIDs: [Int]?

    static func read(_ body: JSON, creating: Bool, companyExists: (Int) -> Bool) -> (LuminousContactInput, FieldErrors) {
        var input = LuminousContactInput()
        var v = Validator(body: body, messages: LaravelMessages(), lenientScalars: true)
        for field in LuminousContact.textFields {
            let required = field == "first_name" && (creating || body[field] != nil)
            let value = field == "email" ? v.email(field, max: 255) : v.string(field, required: required, max: 255)
            if let value {
                input.text[field] = .some(value)
            } else if !creating, body[field] == .null, field != "first_name" {
                input.text[field] = .some(nil)
            }
        }
        for field in LuminousContact.flagFields {
            if let flag = v.boolean(field) { input.flags[field] = flag }
        }
        input.tags = v.stringList("tags", maxEach: 255)
        input.companyIDs = readCompanies(&v, creating: creating, companyExists: companyExists)
        return (input, v.errors)
    }

    /// `company_id` (one integer) or `company_ids` (a list), never both; required on create.
    private static func readCompanies(_ v: inout Validator, creating: Bool, companyExists: (Int) -> Bool) -> [Int]? {
        let hasOne = v.has("company_id"), hasMany = v.has("company_ids")
        if hasOne && hasMany {
            v.errors.add("company_id", "The company id field prohibits company ids from being present.")
            return nil
        }
        if hasOne {
            guard let id = v.integer("company_id") else { return nil }
            guard companyExists(id) else {
                v.errors.add("company_id", v.messages.invalidSelection("company_id"))
                return nil
            }
            return [id]
        }
        if hasMany {
            guard case .array(let items)? = v.body["company_ids"] else {
                v.errors.add("company_ids", v.messages.notList("company_ids", got: v.body["company_ids"] ?? .null))
                return nil
            }
            guard !items.isEmpty else {
                v.errors.add("company_ids", v.messages.required("company_ids"))
                return nil
            }
            var ids: [Int] = []
            var failed = false
            for (i, item) in items.enumerated() {
                let field = "company_ids.\(i)"
                guard let id = Validator.integer(item, lenient: true) else {
                    v.errors.add(field, v.messages.notInteger(field))
                    failed = true
                    continue
                }
                guard companyExists(id) else {
                    v.errors.add(field, v.messages.invalidSelection(field))
                    failed = true
                    continue
                }
                if !ids.contains(id) { ids.append(id) }
            }
            return failed ? nil : ids
        }
        if creating { v.errors.add("company_id", "The company id field is required when company ids is not present.") }
        return nil
    }
}
