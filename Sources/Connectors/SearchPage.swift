import Routing

/// One page of a look-up: `GET target`, a 2xx answer, and the list of records at `key` in it.
/// Anything else ends the look-up with the failure worded as such (`LookupFailure.result`).
struct SearchPage {
    let reply: HTTPReply
    let records: [JSONValue]

    /// `what` names the record in messages ("contact", "client").
    static func fetch(_ target: String, listAt key: String, looking what: String,
                      via connection: APIConnection) async throws(LookupFailure) -> SearchPage {
        let exchange = await connection.send("GET", target, body: nil)
        guard case .reply(let reply) = exchange, (200...299).contains(reply.status) else {
            throw LookupFailure(result: .failed(exchange, while: "looking for an existing \(what)", via: connection))
        }
        guard case .array(let records)? = reply.json?[path: key] else {
            throw LookupFailure(result: .failed(AttemptFailure(retryable: true, status: reply.status,
                                                               detail: "looking for an existing \(what): the answer holds no \(what) list")))
        }
        return SearchPage(reply: reply, records: records)
    }
}

/// A look-up that could not be done; `result` is what the finder answers.
struct LookupFailure: Error {
    let result: LookupResult
}
