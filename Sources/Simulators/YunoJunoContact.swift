import Foundation

/// A client contact: the lasting relationship between the client and one freelancer.
struct YunoJunoContact: Sendable {
    let clientContactID: String
    let freelancerID: String
    let email: String
    let firstName: String
    let lastName: String
    let hirer: String?
    let inviteMessage: String?
    var customFields: [YunoJunoCustomField]
    let createdAt: Date

    /// The documented answer object. `url` is *unconfirmed* (its target is not documented);
    /// it points at the simulator's own origin so nothing leaves the machine.
    func json(origin: String) -> JSON {
        [
            "client_contact_id": .string(clientContactID),
            "freelancer_id": .string(freelancerID),
            "custom_fields": .array(customFields.map(\.json)),
            "url": .string("\(origin)/directory/\(freelancerID)/"),
        ]
    }

    /// Everything held, for `/_sim/state`.
    var stateJSON: JSON {
        [
            "client_contact_id": .string(clientContactID),
            "freelancer_id": .string(freelancerID),
            "email": .string(email),
            "first_name": .string(firstName),
            "last_name": .string(lastName),
            "hirer": .optional(hirer),
            "invite_message": .optional(inviteMessage),
            "custom_fields": .array(customFields.map(\.json)),
            "created_at": .string(Timestamp.iso8601(createdAt)),
        ]
    }
}
