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
        let found: SearchPage
        do { found = try await SearchPage.fetch(target, listAt: "data", looking: "contact", via: connection) } catch { return error.result }
        let wanted = email.lowercased()
        guard let match = found.records.first(where: { $0[path: "email"]?.scalarText?.lowercased() == wanted }) else { return .absent }
        return .found(status: found.reply.status, record: match)
    }
}
