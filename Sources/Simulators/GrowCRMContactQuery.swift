import Foundation

/// The list/search parameters of `GET /contacts`, validated as Laravel would (422 on a bad
/// value), then applied. Deleted contacts are never listed.
struct GrowCRMContactQuery {
    static let sortFields = ["first_name", "last_name", "email", "created", "updated"]
    /// *Unconfirmed*: the docs give the maximum (100) but not the default.
    static let defaultLimit = 20

    var status: String?
    var clientID: Int?
    var accountOwner: Bool?
    var search: String?
    var sort = "created"
    var descending = false
    var page = 1
    var limit = defaultLimit

    static func read(_ query: [String: String], errors: inout FieldErrors) -> GrowCRMContactQuery {
        let messages = LaravelMessages()
        var result = GrowCRMContactQuery()
        (result.page, result.limit) = LaravelResponses.paging(query, limitKey: "limit", defaultLimit: defaultLimit, maxLimit: 100, errors: &errors)
        result.status = query["status"].flatMap { $0.isEmpty ? nil : $0 }
        result.search = query["search"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = query["client_id"], !text.isEmpty {
            if let id = Int(text) { result.clientID = id } else { errors.add("client_id", messages.notInteger("client_id")) }
        }
        if let text = query["account_owner"], !text.isEmpty {
            if text == "yes" || text == "no" { result.accountOwner = text == "yes" } else { errors.add("account_owner", messages.invalidSelection("account_owner")) }
        }
        if let text = query["sort"], !text.isEmpty {
            if sortFields.contains(text) { result.sort = text } else { errors.add("sort", messages.invalidSelection("sort")) }
        }
        if let text = query["order"], !text.isEmpty {
            if text == "asc" || text == "desc" { result.descending = text == "desc" } else { errors.add("order", messages.invalidSelection("order")) }
        }
        return result
    }

    func apply(to contacts: [GrowCRMUser]) -> [GrowCRMUser] {
        let matching = contacts.filter { contact in
            (status == nil || contact.status == status)
                && (clientID == nil || contact.clientID == clientID)
                && (accountOwner == nil || contact.accountOwner == accountOwner)
                && (search.map(contact.matches(search:)) ?? true)
        }
        // Ties fall back to id so paging is stable across calls.
        let sorted = matching.sorted { a, b in
            let (x, y) = (key(a), key(b))
            return x == y ? a.id < b.id : x < y
        }
        return descending ? sorted.reversed() : sorted
    }

    private func key(_ user: GrowCRMUser) -> String {
        switch sort {
        case "first_name": return user.firstName.lowercased()
        case "last_name": return user.lastName.lowercased()
        case "email": return user.email.lowercased()
        case "updated": return Timestamp.sortable(user.updatedAt) + String(format: "%012d", user.id)
        default: return String(format: "%012d", user.id)
        }
    }
}
