/// Grow CRM's contact operations.
enum GrowCRMOperations {
    static let contactKeys = ["id", "name", "email"]

    static let all: [OperationDefinition] = [
        OperationDefinition(
            api: .growcrm, name: "create_contact", method: "POST", path: "/contacts",
            body: BodyRules(fields: [
                .text("first_name", required: true),
                .text("last_name", required: true),
                .email("email", required: true),
                .integer("clientid", required: true),
                .text("phone"),
                .text("position"),
                FieldRule(name: "send_email", kind: .choice(["yes", "no"]), required: false),
            ]),
            result: .record(keys: ["id", "name"]),
            recovery: .lookUpFirst(.growcrmContactByEmail), duplicateFinder: .growcrmContactByEmail),
        OperationDefinition(
            api: .growcrm, name: "update_contact", method: "PATCH", path: "/contacts/{id}", integerParameters: ["id"],
            body: BodyRules(fields: [
                .text("first_name", required: true),
                .text("last_name", required: true),
                .email("email", required: true),
                .text("phone"),
                .text("position"),
            ]),
            result: .record(keys: contactKeys)),
        OperationDefinition(
            api: .growcrm, name: "get_contact", method: "GET", path: "/contacts/{id}", integerParameters: ["id"],
            result: .record(keys: contactKeys)),
        OperationDefinition(
            api: .growcrm, name: "delete_contact", method: "DELETE", path: "/contacts/{id}", integerParameters: ["id"],
            result: .parameters, recovery: .notFoundMeansDone),
        OperationDefinition(
            api: .growcrm, name: "list_contacts", method: "GET", path: "/contacts",
            query: [
                QueryRule("status", .text(maxLength: nil)),
                QueryRule("client_id", .integer(1...Int.max)),
                QueryRule("account_owner", .choice(["yes", "no"])),
                QueryRule("search", .text(maxLength: nil)),
                QueryRule("sort", .choice(["first_name", "last_name", "email", "created", "updated"])),
                QueryRule("order", .choice(["asc", "desc"])),
                QueryRule("limit", .integer(1...100)),
                QueryRule("page", .integer(1...Int.max)),
            ],
            result: .list(items: "data", total: "meta.total", keys: contactKeys, name: "contacts")),
        OperationDefinition(
            api: .growcrm, name: "set_account_owner", method: "PUT", path: "/contacts/{id}/account-owner",
            integerParameters: ["id"],
            result: .record(keys: ["id", "name", "account_owner"])),
    ]
}
