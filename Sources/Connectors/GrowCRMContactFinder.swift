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
        var page = 1
        var found: (match: JSONValue, status: Int)?
        while found == nil {
            let target = "/contacts?" + URLEscaping.query([("search", email), ("limit", "100"), ("page", String(page))])
            let exchange = await connection.send("GET", target, body: nil)
            guard case .reply(let reply) = exchange, (200...299).contains(reply.status) else {
                return .failed(exchange, while: "looking for an existing contact", via: connection)
            }
            guard case .array(let contacts)? = reply.json?[path: "data"] else {
                return .failed(AttemptFailure(retryable: true, status: reply.status,
                                              detail: "looking for an existing contact: the answer holds no contact list"))
            }
            if let match = contacts.first(where: { $0[path: "email"]?.scalarText?.lowercased() == wanted }) {
                found = (match, reply.status)
                break
            }
            let last = reply.json?[path: "meta.last_page"].flatMap { $0.scalarText.flatMap { Int($0) } } ?? page
            if page >= last { return .absent }
            guard page < Self.maxPages else {
                return .failed(.permanent("looking for an existing contact: \(email) matches more than \(Self.maxPages * 100) contacts; "
                                          + "not created, to avoid a duplicate"))
            }
            page += 1
        }
        guard let (match, status) = found else { return .absent }
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
