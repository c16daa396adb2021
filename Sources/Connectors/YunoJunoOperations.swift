/// YunoJuno's Client API operations. Django routes end in `/`, and the API matches them exactly.
enum YunoJunoOperations {
    static let all: [OperationDefinition] = [
        OperationDefinition(
            api: .yunojuno, name: "invite_contact", method: "POST", path: "/client_contacts/",
            body: BodyRules(fields: [
                .email("email", max: 254, required: true),
                .text("first_name", max: 150, required: true),
                .text("last_name", max: 150, required: true),
                .text("hirer"),
                .text("invite_message", max: 1000),
                FieldRule(name: "custom_fields", kind: .customFields(nonEmpty: false), required: false),
            ]),
            // The API adds the existing freelancer for a known email: sending again is safe.
            result: .record(keys: ["client_contact_id", "freelancer_id"]), recovery: .resend),
        OperationDefinition(
            api: .yunojuno, name: "update_custom_fields", method: "POST",
            path: "/client_contacts/{client_contact_id}/custom_fields/",
            body: BodyRules(fields: [FieldRule(name: "custom_fields", kind: .customFields(nonEmpty: true), required: true)]),
            result: .record(keys: ["client_contact_id", "freelancer_id"]), recovery: .resend),
    ]
}
