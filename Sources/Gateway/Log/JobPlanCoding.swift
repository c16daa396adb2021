import Foundation
import Routing
import Synchronization
import Wire

/// Job plans inside a `routed` or `remapped` record, in the wire layout: id, rule, key and
/// subscribers as fields, the actions as one JSON array. Every event a rule matches carries
/// the same actions, so decoding keeps the last few action lists it read and hands out the
/// same array again: a restart neither re-parses nor re-stores a million copies of them.
///
/// Logs written before this layout hold the plans as a JSON array (first byte `[`); those
/// are still read.
enum JobPlanCoding {
    private static let tag: UInt8 = 2
    private static let cache = Mutex<[ActionsBlob: [ActionTemplate]]>([:])
    private static let cacheLimit = 256

    static func encode(_ jobs: [JobPlan]) -> [UInt8] {
        guard !jobs.isEmpty else { return [] }
        var w = WireWriter(capacity: 256 * jobs.count)
        w.u8(tag)
        w.u64(UInt64(jobs.count))
        for plan in jobs {
            w.string(plan.id)
            w.string(plan.rule)
            w.optionalString(plan.key)
            w.u64(UInt64(plan.notify.count))
            for name in plan.notify { w.string(name) }
            w.blob(encode(actions: plan.actions))
        }
        return w.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(LogEventDecodingError) -> [JobPlan] {
        guard let first = bytes.first else { return [] }
        if first == UInt8(ascii: "[") {
            do { return try JSONDecoder().decode([JobPlan].self, from: Data(bytes)) } catch { throw .truncated }
        }
        guard first == tag else { throw .unknownKind(first) }
        var r = WireReader(bytes, truncated: LogEventDecodingError.truncated)
        _ = try r.u8()
        let count = try r.u64()
        guard count <= UInt64(bytes.count) else { throw .truncated }
        var plans: [JobPlan] = []
        plans.reserveCapacity(Int(count))
        for _ in 0..<count {
            let id = try r.string(), rule = try r.string(), key = try r.optionalString()
            let notifyCount = try r.u64()
            guard notifyCount <= UInt64(bytes.count) else { throw .truncated }
            var notify: [String] = []
            for _ in 0..<notifyCount { notify.append(try r.string()) }
            plans.append(JobPlan(id: id, rule: rule, key: key, actions: try actions(try r.blob()), notify: notify))
        }
        return plans
    }

    /// An action list as the plans store it (a JSON array); snapshots store shapes this way too.
    static func encode(actions: [ActionTemplate]) -> [UInt8] {
        JSONValue.array(actions.map(json)).serialized()
    }

    /// Reads what `encode(actions:)` wrote, handing out a cached copy of a list seen recently.
    static func actions(_ blob: [UInt8]) throws(LogEventDecodingError) -> [ActionTemplate] {
        let key = ActionsBlob(bytes: blob)
        if let known = cache.withLock({ $0[key] }) { return known }
        guard case .array(let items)? = try? JSONValue.parse(blob) else { throw .truncated }
        var actions: [ActionTemplate] = []
        for item in items {
            guard case .object(let o) = item, case .string(let name)? = o["name"], case .string(let api)? = o["api"],
                  case .string(let operation)? = o["operation"] else { throw .truncated }
            var params: [String: JSONValue] = [:]
            if case .object(let p)? = o["params"] { params = p }
            actions.append(ActionTemplate(name: name, api: api, operation: operation, params: params, body: o["body"]))
        }
        cache.withLock { c in
            if c.count >= cacheLimit { c.removeAll(keepingCapacity: true) }
            c[key] = actions
        }
        return actions
    }

    private static func json(_ action: ActionTemplate) -> JSONValue {
        var o: [String: JSONValue] = ["name": .string(action.name), "api": .string(action.api),
                                      "operation": .string(action.operation), "params": .object(action.params)]
        if let body = action.body { o["body"] = body }
        return .object(o)
    }
}

/// An encoded action list as a dictionary key, hashed in one pass over its bytes (an
/// array of bytes hashes element by element, which cost more than parsing it).
private struct ActionsBlob: Hashable {
    let bytes: [UInt8]

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
