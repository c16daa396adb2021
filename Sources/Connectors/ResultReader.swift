import Routing

/// Turns a success answer into the small `result` of an outcome.
enum ResultReader {
    static func read(_ reply: HTTPReply, for definition: OperationDefinition, params: [String: String]) -> JSONValue {
        let json = reply.json
        switch definition.result {
        case .record(let keys):
            let record = definition.api.envelopeKey.map { json?[path: $0] } ?? json
            return pick(record, keys: keys)
        case .list(let itemsPath, let totalPath, let keys, let name):
            var items: [JSONValue] = []
            if case .array(let records)? = json?[path: itemsPath] { items = records.map { pick($0, keys: keys) } }
            return .object([name: .array(items), "total": json?[path: totalPath] ?? .null])
        case .parameters:
            return .object(params.reduce(into: [:]) { result, param in
                let number = definition.integerParameters.contains(param.key) ? Int64(param.value) : nil
                result[param.key] = number.map(JSONValue.int) ?? .string(param.value)
            })
        }
    }

    /// The record cut to `keys`; keys the API left out are left out.
    static func pick(_ record: JSONValue?, keys: [String]) -> JSONValue {
        guard case .object(let members)? = record else { return .object([:]) }
        return .object(members.filter { keys.contains($0.key) })
    }

    /// The keys a create keeps, for a record found by a search instead.
    static func keys(of definition: OperationDefinition) -> [String] {
        if case .record(let keys) = definition.result { return keys }
        return []
    }
}
