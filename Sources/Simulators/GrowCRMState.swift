import Foundation

/// Grow CRM's records. Seeded so the documented calls work at once: clients 1 and 2, each
/// with an account-owner contact (users 2 and 3), and team member user 1, who is not a
/// client user — `PUT /contacts/1/account-owner` is how the documented 409 is produced.
struct GrowCRMState: Sendable {
    private(set) var clients: [GrowCRMClient]
    private(set) var users: [GrowCRMUser]
    private var nextUserID = 4
    private var nextClientID = 3

    init(now: Date = Date()) {
        clients = [GrowCRMClient(id: 1, companyName: "Acme Ltd", createdAt: now),
                   GrowCRMClient(id: 2, companyName: "Globex Ltd", createdAt: now)]
        users = [
            GrowCRMUser(id: 1, clientID: nil, firstName: "Ada", lastName: "Admin", email: "admin@growcrm.example",
                        accountOwner: false, createdAt: now, updatedAt: now),
            GrowCRMUser(id: 2, clientID: 1, firstName: "Alice", lastName: "Owner", email: "alice@acme.example",
                        accountOwner: true, createdAt: now, updatedAt: now),
            GrowCRMUser(id: 3, clientID: 2, firstName: "Bob", lastName: "Owner", email: "bob@globex.example",
                        accountOwner: true, createdAt: now, updatedAt: now),
        ]
    }

    func client(id: Int?) -> GrowCRMClient? { id.flatMap { id in clients.first { $0.id == id } } }

    /// Any live user, contact or team member.
    func user(id: Int) -> GrowCRMUser? { users.first { $0.id == id && !$0.deleted } }

    /// A live contact: a client user not deleted.
    func contact(id: Int) -> GrowCRMUser? { user(id: id).flatMap { $0.isClientUser ? $0 : nil } }

    var contacts: [GrowCRMUser] { users.filter { $0.isClientUser && !$0.deleted } }

    /// Emails are unique across all live users, compared ignoring case. A deleted user's
    /// email is free again (*unconfirmed*: the docs do not say).
    func emailTaken(_ email: String, ignoring id: Int? = nil) -> Bool {
        users.contains { !$0.deleted && $0.id != id && $0.email.lowercased() == email.lowercased() }
    }

    mutating func addUser(clientID: Int?, firstName: String, lastName: String, email: String,
                          phone: String?, position: String?, accountOwner: Bool, now: Date) -> GrowCRMUser {
        let user = GrowCRMUser(id: nextUserID, clientID: clientID, firstName: firstName, lastName: lastName, email: email,
                               phone: phone, position: position, accountOwner: accountOwner, createdAt: now, updatedAt: now)
        nextUserID += 1
        users.append(user)
        return user
    }

    mutating func addClient(companyName: String, now: Date) -> GrowCRMClient {
        let client = GrowCRMClient(id: nextClientID, companyName: companyName, createdAt: now)
        nextClientID += 1
        clients.append(client)
        return client
    }

    mutating func update(id: Int, _ change: (inout GrowCRMUser) -> Void, now: Date) -> GrowCRMUser? {
        guard let index = users.firstIndex(where: { $0.id == id && !$0.deleted }) else { return nil }
        change(&users[index])
        users[index].updatedAt = now
        return users[index]
    }

    /// Makes `id` its client's one account owner, demoting the previous one.
    mutating func makeAccountOwner(id: Int, now: Date) -> GrowCRMUser? {
        guard let clientID = contact(id: id)?.clientID else { return nil }
        for index in users.indices where users[index].clientID == clientID && users[index].accountOwner && users[index].id != id {
            users[index].accountOwner = false
            users[index].updatedAt = now
        }
        return update(id: id, { $0.accountOwner = true }, now: now)
    }
}
