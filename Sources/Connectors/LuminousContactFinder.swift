import Routing

/// Finds a Luminous contact by email among its company's contacts. Without an email there
/// is nothing unique to search by.
struct LuminousContactFinder {
    let connection: APIConnection

    func find(_ body: JSONValue?) async -> LookupResult {
        guard case .string(let email)? = body?[path: "email"], !email.isEmpty else {
            return .failed(.permanent("outcome unknown and no email to look up: not retried to avoid a duplicate"))
        }
        guard let company = (body?[path: "company_id"] ?? body?[path: "company_ids.0"])?.scalarText else {
            return .failed(.permanent("outcome unknown and no company to look up: not retried to avoid a duplicate"))
        }
        let target = "/companies/\(URLEscaping.escape(company))/contacts?"
            + URLEscaping.query([("email[eq]", email), ("limit", "100")])
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
        return .found(status: reply.status, record: match)
    }
}
