import Routing

/// Finds a Grow CRM contact by email: the free-text search, then the exact address among
/// its matches (the search also matches names and phones, and parts of addresses).
struct GrowCRMContactFinder {
    let connection: APIConnection

    func find(_ body: JSONValue?) async -> LookupResult {
        guard case .string(let email)? = body?[path: "email"], !email.isEmpty else {
            return .failed(.permanent("outcome unknown and no email to look up: not retried to avoid a duplicate"))
        }
        let target = "/contacts?" + URLEscaping.query([("search", email), ("limit", "100")])
        let exchange = await connection.send("GET", target, body: nil)
        guard case .reply(let reply) = exchange, (200...299).contains(reply.status) else {
            return .failed(exchange, while: "looking for an existing contact", via: connection)
        }
        guard case .array(let contacts)? = reply.json?[path: "data"] else {
            return .failed(AttemptFailure(retryable: true, status: reply.status,
                                          detail: "looking for an existing contact: the answer holds no contact list"))
        }
        let wanted = email.lowercased()
        guard let match = contacts.first(where: { $0[path: "email"]?.scalarText?.lowercased() == wanted }) else { return .absent }
        // Emails are unique across every client: a contact of another client is not the one
        // this action was to make, and taking it would hand a later action (the account
        // owner, say) someone else's contact.
        if let client = body?[path: "clientid"]?.scalarText, let owner = match[path: "client.id"]?.scalarText, owner != client {
            return .failed(.permanent("\(email) is already a contact of client \(owner), not of client \(client): not taken as this action's contact"))
        }
        return .found(status: reply.status, record: match)
    }

    /// Laravel's 422 for a unique email: `errors.email` says it "has already been taken".
    /// Only when the email is all that is wrong: other field errors mean the action itself is
    /// faulty, and an existing contact must not hide that.
    static func isDuplicate(_ reply: HTTPReply) -> Bool {
        guard reply.status == 422, case .object(let errors)? = reply.json?[path: "errors"], errors.count == 1,
              case .array(let messages)? = errors["email"] else { return false }
        return messages.contains { $0.scalarText?.lowercased().contains("already been taken") == true }
    }
}
