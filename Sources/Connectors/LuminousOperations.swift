/// Luminous's contact operations.
enum LuminousOperations {
    static let contactKeys = ["id", "full_name", "email", "company_id"]

    /// The fields of a contact; required ones differ between create and partial update.
    static func contactFields(creating: Bool) -> [FieldRule] {
        [
            .text("first_name", max: 255, required: creating),
            .text("last_name", max: 255),
            .email("email", max: 255),
            .text("phone_1", max: 255),
            .text("phone_2", max: 255),
            .text("receiving_bank_name", max: 255),
            .text("receiving_bank_address", max: 255),
            .boolean("is_primary"),
            .boolean("receive_quotation_pdf"),
            .boolean("receive_purchase_order_pdf"),
            .boolean("receive_purchase_order_invoice_pdf"),
            FieldRule(name: "tags", kind: .textList(maxEach: 255), required: false),
            .integer("company_id"),
            FieldRule(name: "company_ids", kind: .integerList, required: false),
        ]
    }

    static let all: [OperationDefinition] = [
        OperationDefinition(
            api: .luminous, name: "create_contact", method: "POST", path: "/contacts",
            body: BodyRules(fields: contactFields(creating: true),
                            groups: [FieldGroup(names: ["company_id", "company_ids"], required: true)]),
            result: .record(keys: contactKeys), recovery: .lookUpFirst(.luminousContactByEmail)),
        OperationDefinition(
            api: .luminous, name: "update_contact", method: "POST", path: "/contacts/{id}", integerParameters: ["id"],
            body: BodyRules(fields: contactFields(creating: false),
                            groups: [FieldGroup(names: ["company_id", "company_ids"], required: false)]),
            result: .record(keys: contactKeys)),
        OperationDefinition(
            api: .luminous, name: "get_contact", method: "GET", path: "/contacts/{id}", integerParameters: ["id"],
            result: .record(keys: contactKeys)),
        OperationDefinition(
            api: .luminous, name: "find_contacts", method: "GET", path: "/companies/{company_id}/contacts",
            integerParameters: ["company_id"],
            query: [QueryRule("email", .email(maxLength: 255), wireName: "email[eq]"),
                    QueryRule("page", .integer(1...Int.max)), QueryRule("limit", .integer(1...100))],
            result: .list(items: "data", total: "meta.total", keys: ["id", "full_name", "email"], name: "contacts")),
    ]
}
