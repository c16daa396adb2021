import Foundation

/// YunoJuno's records: issued tokens and the client's directory of contacts.
struct YunoJunoState: Sendable {
    private(set) var tokens: [String: Date] = [:]
    private(set) var contacts: [YunoJunoContact] = []

    mutating func issueToken(lifetimeSeconds: Int, now: Date) -> String {
        // Forget long-dead tokens so a long-running embedded simulator does not grow forever.
        tokens = tokens.filter { $0.value > now.addingTimeInterval(-3600) }
        let token = RandomID.make(prefix: "yjsim_", length: 32)
        tokens[token] = now.addingTimeInterval(TimeInterval(lifetimeSeconds))
        return token
    }

    /// Live means issued here and not yet expired; an expired token is as good as unknown.
    func isLive(_ token: String, now: Date) -> Bool {
        guard let expiry = tokens[token] else { return false }
        return now < expiry
    }

    func contact(id: String) -> YunoJunoContact? { contacts.first { $0.clientContactID == id } }

    /// Adds a freelancer to the directory, or finds the one already there for this email
    /// (compared case-insensitively, as email addresses are in practice). Returns the
    /// contact and whether it was new. On a repeat, custom fields sent are applied; names
    /// and the invite message are those of the first invitation.
    mutating func invite(email: String, firstName: String, lastName: String, hirer: String?,
                         inviteMessage: String?, customFields: [YunoJunoCustomField], now: Date) -> (YunoJunoContact, created: Bool) {
        if let index = contacts.firstIndex(where: { $0.email.lowercased() == email.lowercased() }) {
            YunoJunoCustomField.merge(customFields, into: &contacts[index].customFields)
            return (contacts[index], false)
        }
        let contact = YunoJunoContact(
            clientContactID: RandomID.unique(prefix: "clct_", length: 16) { id in contacts.contains { $0.clientContactID == id } },
            freelancerID: RandomID.unique(prefix: "fp_", length: 16) { id in contacts.contains { $0.freelancerID == id } },
            email: email, firstName: firstName, lastName: lastName, hirer: hirer, inviteMessage: inviteMessage,
            customFields: [], createdAt: now)
        contacts.append(contact)
        YunoJunoCustomField.merge(customFields, into: &contacts[contacts.count - 1].customFields)
        return (contacts[contacts.count - 1], true)
    }

    mutating func updateCustomFields(id: String, _ updates: [YunoJunoCustomField]) -> YunoJunoContact? {
        guard let index = contacts.firstIndex(where: { $0.clientContactID == id }) else { return nil }
        YunoJunoCustomField.merge(updates, into: &contacts[index].customFields)
        return contacts[index]
    }
}
