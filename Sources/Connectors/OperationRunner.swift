import Routing

/// One attempt of one validated action: the look-up an unknown outcome calls for, the
/// request, and the reading of its answer.
struct OperationRunner: Sendable {
    let definition: OperationDefinition
    let connection: APIConnection
    let request: PreparedRequest
    let mode: AttemptMode

    func run() async -> ActionOutcome {
        if mode == .afterUnknownOutcome, case .lookUpFirst(let finder) = definition.recovery {
            switch await finder.find(request, via: connection) {
            case .found(let status, let record):
                return found(status: status, record: record, note: "already present (found after an earlier attempt's unknown outcome; not created again)")
            case .absent:
                break
            case .failed(let failure):
                return failure.outcome(label: definition.label)
            }
        }
        switch await connection.send(request.method, request.target, body: request.body) {
        case .failure(let failure):
            return failure.outcome(label: definition.label)
        case .reply(let reply):
            return await settle(reply)
        }
    }

    private func settle(_ reply: HTTPReply) async -> ActionOutcome {
        if (200...299).contains(reply.status) {
            return .succeeded(status: reply.status, result: ResultReader.read(reply, for: definition, params: request.params), note: nil)
        }
        if mode == .afterUnknownOutcome, case .notFoundMeansDone = definition.recovery, reply.status == 404 {
            return .succeeded(status: reply.status, result: ResultReader.read(reply, for: definition, params: request.params),
                              note: "already gone (an earlier attempt with an unknown outcome may have done it)")
        }
        let refusal = AttemptFailure.reply(reply, api: definition.api, secrets: connection.secrets)
        guard let finder = definition.duplicateFinder, finder.isDuplicate(reply) else {
            return refusal.outcome(label: definition.label)
        }
        switch await finder.find(request, via: connection) {
        case .found(let status, let record):
            return found(status: status, record: record, note: "already present (email has already been taken)")
        case .absent:
            // Taken by a user the search cannot see (a team member): the API's refusal stands.
            return refusal.outcome(label: definition.label)
        case .failed(let failure):
            return failure.outcome(label: definition.label)
        }
    }

    private func found(status: Int, record: JSONValue, note: String) -> ActionOutcome {
        .succeeded(status: status, result: ResultReader.pick(record, keys: ResultReader.keys(of: definition)), note: note)
    }
}
