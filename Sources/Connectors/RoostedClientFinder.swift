import Routing

/// Finds a Roosted client by exact name. Names are not unique, so this is only a best
/// effort: the last exact match on the first page holding one is taken as the one an earlier
/// attempt made (the order Roosted lists clients in is not documented).
struct RoostedClientFinder {
    static let pageSize = 100
    /// Bounds the search; an account with more clients than this cannot be checked.
    static let maximumPages = 50

    let connection: APIConnection

    func find(_ body: JSONValue?) async -> LookupResult {
        guard case .string(let name)? = body?[path: "client_name"] else {
            return .failed(.permanent("outcome unknown and no client_name to look up: not retried to avoid a duplicate"))
        }
        for page in 1...Self.maximumPages {
            let target = "/clients?" + URLEscaping.query([("items_per_page", String(Self.pageSize)), ("page", String(page))])
            let exchange = await connection.send("GET", target, body: nil)
            guard case .reply(let reply) = exchange, (200...299).contains(reply.status) else {
                return .failed(exchange, while: "looking for an existing client", via: connection)
            }
            guard case .array(let clients)? = reply.json?[path: "clients"] else {
                return .failed(AttemptFailure(retryable: true, status: reply.status,
                                              detail: "looking for an existing client: the answer holds no client list"))
            }
            if let match = clients.last(where: { $0[path: "client_name"] == .string(name) }) {
                return .found(status: reply.status, record: match)
            }
            let total = reply.json?[path: "total_count"]?.scalarText.flatMap { Int($0) }
            if clients.count < Self.pageSize || total.map({ page * Self.pageSize >= $0 }) == true {
                return .absent
            }
        }
        return .failed(.permanent("outcome unknown and the first \(Self.maximumPages * Self.pageSize) clients hold none named "
                                  + "\(ValueDescription.quoted(name)): not retried to avoid a duplicate"))
    }
}
