/// How to find the record a create may already have made, so that a create whose earlier
/// outcome is unknown returns that record instead of making a second one.
enum RecordFinder: Sendable {
    /// Roosted has no unique field: page through the clients for an exact `client_name`.
    case roostedClientByName
    /// The company's contacts filtered by `email[eq]`.
    case luminousContactByEmail
    /// `GET /contacts?search=<email>`, then the exact email among the matches.
    case growcrmContactByEmail
}

extension RecordFinder {
    func find(_ request: PreparedRequest, via connection: APIConnection) async -> LookupResult {
        switch self {
        case .roostedClientByName: return await RoostedClientFinder(connection: connection).find(request.body)
        case .luminousContactByEmail: return await LuminousContactFinder(connection: connection).find(request.body)
        case .growcrmContactByEmail: return await GrowCRMContactFinder(connection: connection).find(request.body)
        }
    }

    /// Whether a refused create says the record exists already.
    func isDuplicate(_ reply: HTTPReply) -> Bool {
        switch self {
        case .growcrmContactByEmail: return GrowCRMContactFinder.isDuplicate(reply)
        case .roostedClientByName, .luminousContactByEmail: return false
        }
    }
}
