import Routing

/// Finds a Grow CRM contact by email: the free-text search, then the exact address among
/// its matches (the search also matches names and phones, and parts of addresses).
struct GrowCRMContactFinder {
    let connection: APIConnection

    func find(_ body: JSONValue?) async -> LookupResult {
        guard case .string(let email)? = body?[path: "email"], !email.isEmpty else {
            return .failed(.permanent("outcome unknown and no email to look up: not retried to avoid a duplicate"))
        }
        let wanted = email.lowercased()
        // The search matches names, phones and parts of addresses too, oldest first: the
        // contact may be on a later page ("ann@x.io" among a hundred "joann@x.io").
        for page in 1...Self.maxPages {
            let found: SearchPage
            do {
                found = try await SearchPage.fetch("/contacts?" + URLEscaping.query([("search", email), ("limit", "100"), ("page", String(page))]),
                                                   listAt: "data", looking: "contact", via: connection)
            } catch { return error.result }
            if let match = found.records.first(where: { $0[path: "email"]?.scalarText?.lowercased() == wanted }) {
                return owned(match, status: found.reply.status, body: body, email: email)
            }
            let last = found.reply.json?[path: "meta.last_page"].flatMap { $0.scalarText.flatMap { Int($0) } } ?? page
            if page >= last { return .absent }
        }
        return .failed(.permanent("looking for an existing contact: \(email) matches more than \(Self.maxPages * 100) contacts; "
                                  + "not created, to avoid a duplicate"))
    }

    private func owned(_ match: JSONValue, status: Int, body: JSONValue?, email: String) -> LookupResult {
        // Emails are unique across every client: a contact of another client is not the one
        // this action was to make, and taking it would hand a later action (the account
        // owner, say) someone else's contact.
        if let client = body?[path: "clientid"]?.scalarText, let owner = match[path: "client.id"]?.scalarText, owner != client {
            return .failed(.permanent("\(email) is already a contact of client \(owner), not of client \(client): not taken as this action's contact"))
        }
        return .found(status: status, record: match)
    }

    /// Pages of a hundred read before giving up.
    static let maxPages = 20

    /// Laravel's 422 for a unique email: `errors.email` says it "has already been taken".
    /// Only when the email is all that is wrong: other field errors mean the action itself is
    /// faulty, and an existing contact must not hide that.
    static func isDuplicate(_ reply: HTTPReply) -> Bool {
        guard reply.status == 422, case .object(let errors)? = reply.json?[path: "errors"], errors.count == 1,
              case .array(let messages)? = errors["email"] else { return false }
        return messages.contains { $0.scalarText?.lowercased().contains("already been taken") == true }
    }
}
