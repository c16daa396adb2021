import Routing

/// Finds a Roosted client by exact name and, when the create sent them, the same contact
/// email and name: names are not unique (staff may have made another "Acme"), and a client
/// with another contact is not the one this action made. Every page is read and the last
/// match is taken, the newest if Roosted lists clients in the order they were made (its
/// order is not documented).
struct RoostedClientFinder {
    static let pageSize = 100
    /// Bounds the search; an account with more clients than this cannot be checked.
    static let maximumPages = 50

    let connection: APIConnection

    func find(_ body: JSONValue?) async -> LookupResult {
        guard case .string(let name)? = body?[path: "client_name"] else {
            return .failed(.permanent("outcome unknown and no client_name to look up: not retried to avoid a duplicate"))
        }
        var found: (record: JSONValue, status: Int)?
        for page in 1...Self.maximumPages {
            let target = "/clients?" + URLEscaping.query([("items_per_page", String(Self.pageSize)), ("page", String(page))])
            let listed: SearchPage
            do { listed = try await SearchPage.fetch(target, listAt: "clients", looking: "client", via: connection) } catch { return error.result }
            if let match = listed.records.last(where: { Self.matches($0, body, name: name) }) { found = (match, listed.reply.status) }
            let total = listed.reply.json?[path: "total_count"]?.scalarText.flatMap { Int($0) }
            if listed.records.count < Self.pageSize || total.map({ page * Self.pageSize >= $0 }) == true {
                guard let found else { return .absent }
                return .found(status: found.status, record: found.record)
            }
        }
        if let found { return .found(status: found.status, record: found.record) }
        return .failed(.permanent("outcome unknown and the first \(Self.maximumPages * Self.pageSize) clients hold none named "
                                  + "\(ValueDescription.quoted(name)): not retried to avoid a duplicate"))
    }

    /// Same name, and the same contact email and contact name where both the create and the
    /// listed client have one (emails compared without case).
    static func matches(_ client: JSONValue, _ body: JSONValue?, name: String) -> Bool {
        guard client[path: "client_name"] == .string(name) else { return false }
        if let sent = body?[path: "client_contact_email"]?.scalarText, let listed = client[path: "client_contact_email"]?.scalarText,
           sent.lowercased() != listed.lowercased() { return false }
        if let sent = body?[path: "client_contact_name"]?.scalarText, let listed = client[path: "client_contact_name"]?.scalarText,
           sent != listed { return false }
        return true
    }
}
