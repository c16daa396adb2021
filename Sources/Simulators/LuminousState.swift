import Foundation

/// Luminous's records. Companies 1–3 exist from the start so contacts can be created
/// without first creating a company, as in a real account.
struct LuminousState: Sendable {
    private(set) var companies: [LuminousCompany]
    private(set) var contacts: [LuminousContact] = []
    private var nextContactID = 1
    private var nextCompanyID = 4

    init(now: Date = Date()) {
        companies = [
            LuminousCompany(id: 1, name: "Acme Corporation", tags: [], createdAt: now),
            LuminousCompany(id: 2, name: "Globex Corporation", tags: [], createdAt: now),
            LuminousCompany(id: 3, name: "Initech", tags: [], createdAt: now),
        ]
    }

    func company(id: Int) -> LuminousCompany? { companies.first { $0.id == id } }

    func contact(id: Int) -> LuminousContact? { contacts.first { $0.id == id } }

    mutating func createCompany(name: String, tags: [String], now: Date) -> LuminousCompany {
        let company = LuminousCompany(id: nextCompanyID, name: name, tags: tags, createdAt: now)
        nextCompanyID += 1
        companies.append(company)
        return company
    }

    /// `input` must have passed validation for a create (it has a first name and companies).
    mutating func createContact(_ input: LuminousContactInput, now: Date) -> LuminousContact {
        var contact = LuminousContact(id: nextContactID, companyIDs: input.companyIDs ?? [], text: [:], flags: [:],
                                      tags: [], createdAt: now, updatedAt: now)
        nextContactID += 1
        apply(input, to: &contact)
        contacts.append(contact)
        return contact
    }

    mutating func updateContact(id: Int, _ input: LuminousContactInput, now: Date) -> LuminousContact? {
        guard let index = contacts.firstIndex(where: { $0.id == id }) else { return nil }
        apply(input, to: &contacts[index])
        contacts[index].updatedAt = now
        return contacts[index]
    }

    private func apply(_ input: LuminousContactInput, to contact: inout LuminousContact) {
        for (field, value) in input.text { contact.text[field] = value }
        for (field, flag) in input.flags { contact.flags[field] = flag }
        if let tags = input.tags { contact.tags = tags }
        if let ids = input.companyIDs { contact.companyIDs = ids }
    }
}
