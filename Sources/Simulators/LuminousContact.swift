import Foundation

/// A Luminous contact. The optional text fields and flags are kept by their API names, so
/// create, partial update, filters and the answer all read them the same way.
struct LuminousContact: Sendable {
    static let textFields: [String] = ["first_name", "last_name", "email", "phone_1", "phone_2",
                                       "receiving_bank_name", "receiving_bank_address"]
    static let flagFields: [String] = ["is_primary", "receive_quotation_pdf", "receive_purchase_order_pdf",
                                       "receive_purchase_order_invoice_pdf"]

    let id: Int
    var companyIDs: [Int]
    var text: [String: String]
    var flags: [String: Bool]
    var tags: [String]
    var status = "active"
    let createdAt: Date
    var updatedAt: Date

    var primaryCompanyID: Int { companyIDs[0] }

    /// The documented answer: `phone_1` comes back as `phone`, plus `full_name` and the
    /// primary company. Ids are integers here; the doc's example quotes them (`"789123"`),
    /// so connectors should accept both.
    func json(company: LuminousCompany?) -> JSON {
        let fullName = [text["first_name"], text["last_name"]].compactMap { $0 }.joined(separator: " ")
        var members: [(String, JSON)] = [
            ("id", .int(id)),
            ("created_at", .string(Timestamp.iso8601(createdAt))),
            ("updated_at", .string(Timestamp.iso8601(updatedAt))),
            ("status", .string(status)),
            ("first_name", .optional(text["first_name"])),
            ("last_name", .optional(text["last_name"])),
            ("email", .optional(text["email"])),
            ("phone", .optional(text["phone_1"])),
            ("phone_2", .optional(text["phone_2"])),
            ("full_name", .string(fullName)),
            ("company_id", .int(primaryCompanyID)),
            ("company", company?.summaryJSON ?? .null),
        ]
        for flag in Self.flagFields { members.append((flag, .bool(flags[flag] ?? false))) }
        members += [
            ("receiving_bank_name", .optional(text["receiving_bank_name"])),
            ("receiving_bank_address", .optional(text["receiving_bank_address"])),
            ("tags", .array(tags.map(JSON.string))),
            ("company_ids", .array(companyIDs.map(JSON.int))),
        ]
        return .object(members)
    }

    /// The value a `field[op]=value` filter compares against.
    func filterValue(_ field: String) -> String? {
        switch field {
        case "id": return String(id)
        case "status": return status
        case "phone": return text["phone_1"]
        default: return text[field]
        }
    }
}
