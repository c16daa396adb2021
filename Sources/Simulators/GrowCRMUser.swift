import Foundation

/// A Grow CRM user. Contacts are the users of a client account; team members are users
/// too (they share the email uniqueness rule) but are not contacts, which is what makes
/// the account-owner action answer 409 for them.
struct GrowCRMUser: Sendable {
    let id: Int
    /// The client account this user belongs to; nil for team members.
    let clientID: Int?
    var firstName: String
    var lastName: String
    var email: String
    var phone: String?
    var position: String?
    var accountOwner: Bool
    var status = "active"
    /// Soft delete: the row stays (and shows in `/_sim/state`) but the API answers 404.
    var deleted = false
    let createdAt: Date
    var updatedAt: Date

    var isClientUser: Bool { clientID != nil }
    var name: String { "\(firstName) \(lastName)" }

    func json(client: GrowCRMClient?) -> JSON {
        [
            "id": .int(id),
            "first_name": .string(firstName),
            "last_name": .string(lastName),
            "name": .string(name),
            "email": .string(email),
            "phone": .optional(phone),
            "job_position": .optional(position),
            "account_owner": accountOwner ? "yes" : "no",
            "status": .string(deleted ? "deleted" : status),
            "client": client?.summaryJSON ?? .null,
            "role": isClientUser ? ["id": 2, "name": "Client"] : ["id": 1, "name": "Administrator"],
            "social": ["twitter": nil, "facebook": nil, "linkedin": nil],
            "dates": ["created": .string(Timestamp.iso8601(createdAt)), "updated": .string(Timestamp.iso8601(updatedAt))],
        ]
    }

    /// Free-text search over the fields the docs name: first/last name, email and phone.
    func matches(search: String) -> Bool {
        let needle = search.lowercased()
        return [firstName, lastName, name, email, phone ?? ""].contains { $0.lowercased().contains(needle) }
    }
}
