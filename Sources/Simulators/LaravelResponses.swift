import HTTP1

/// The error shapes the two Laravel APIs (Luminous, Grow CRM) share. Grow CRM documents
/// Laravel 8's summary line, "The given data was invalid."; Luminous is assumed to match.
enum LaravelResponses {
    static func error(status: Int, message: String, headers: [(String, String)] = []) -> HTTPResponse {
        // Laravel's throttle middleware words its 429 this way whatever the route.
        let text = status == 429 ? "Too Many Attempts." : message
        return .json(status, ["message": .string(text)], headers: headers)
    }

    static func invalid(_ errors: FieldErrors) -> HTTPResponse {
        .json(422, ["message": "The given data was invalid.", "errors": errors.json])
    }

    static func methodNotAllowed(_ method: String, allowed: [String]) -> HTTPResponse {
        error(status: 405, message: "The \(method) method is not supported for this route. Supported methods: \(allowed.joined(separator: ", ")).",
              headers: [("Allow", allowed.joined(separator: ", "))])
    }

    /// Reads `page` and `limit`/`per_page`-style parameters, 1-based, with Laravel's rules.
    static func paging(_ query: [String: String], limitKey: String, defaultLimit: Int, maxLimit: Int,
                       errors: inout FieldErrors) -> (page: Int, limit: Int) {
        var page = 1, limit = defaultLimit
        if let text = query["page"] {
            if let n = Int(text), n >= 1 { page = n } else { errors.add("page", "The page must be at least 1.") }
        }
        if let text = query[limitKey] {
            if let n = Int(text), n >= 1, n <= maxLimit {
                limit = n
            } else if let n = Int(text), n > maxLimit {
                errors.add(limitKey, "The \(limitKey) must not be greater than \(maxLimit).")
            } else {
                errors.add(limitKey, "The \(limitKey) must be at least 1.")
            }
        }
        return (page, limit)
    }

    /// The list `meta` both APIs use: current_page, per_page, total, last_page.
    static func meta(page: Int, limit: Int, total: Int) -> JSON {
        ["current_page": .int(page), "per_page": .int(limit), "total": .int(total),
         "last_page": .int(max(1, (total + limit - 1) / limit))]
    }

    static func slice<T>(_ items: [T], page: Int, limit: Int) -> [T] {
        let start = (page - 1) * limit
        guard start < items.count else { return [] }
        return Array(items[start..<min(start + limit, items.count)])
    }
}
