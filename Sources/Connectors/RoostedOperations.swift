/// Roosted's client operations.
enum RoostedOperations {
    static let clientKeys = ["id", "client_name", "client_contact_name", "client_contact_email"]

    static let all: [OperationDefinition] = [
        OperationDefinition(
            api: .roosted, name: "create_client", method: "POST", path: "/clients",
            body: BodyRules(fields: [
                .text("client_name", max: 255, required: true),
                .text("client_contact_name", max: 255),
                // The API asks only for a string of at most 255: an address it would store is
                // not refused here for its form.
                .text("client_contact_email", max: 255),
                .text("client_invoice_customer_id", max: 255),
                .text("client_address", max: 65535),
                .text("client_city", max: 255),
                .text("client_state", max: 255),
                .text("client_postal_code", max: 255),
            ]),
            result: .record(keys: ["id", "client_name"]),
            // No idempotency key and no unique field: a resent create would make a second client.
            recovery: .lookUpFirst(.roostedClientByName)),
        OperationDefinition(
            api: .roosted, name: "get_client", method: "GET", path: "/clients/{id}",
            result: .record(keys: clientKeys)),
        OperationDefinition(
            api: .roosted, name: "list_clients", method: "GET", path: "/clients",
            query: [QueryRule("items_per_page", .integer(1...100)), QueryRule("page", .integer(1...Int.max))],
            result: .list(items: "clients", total: "total_count", keys: ["id", "client_name"], name: "clients")),
    ]
}
