import Foundation

/// The parameters of `GET /events`: `source`, `type`, `state`, `since`, `until` (ISO 8601
/// or unix seconds), `limit` (default 50, at most 500) and `before` (the `next_before`
/// cursor of a previous answer). Unknown parameters are refused: a misspelt filter must
/// not quietly return everything.
struct EventSearchQuery: Sendable, Equatable {
    static let defaultLimit = 50
    static let maxLimit = 500
    static let names: Set<String> = ["source", "type", "state", "since", "until", "limit", "before"]

    var source: String?
    var type: String?
    var state: EventState?
    /// Unix milliseconds, inclusive.
    var since: Int64?
    var until: Int64?
    /// Only events whose `received` offset is below this.
    var before: UInt64?
    var limit = defaultLimit

    init() {}

    init(parsing query: [String: String]) throws(OperatorQueryError) {
        if let unknown = query.keys.sorted().first(where: { !Self.names.contains($0) }) {
            throw OperatorQueryError("unknown parameter \"\(unknown)\" (known: \(Self.names.sorted().joined(separator: ", ")))")
        }
        source = query["source"].flatMap { $0.isEmpty ? nil : $0 }
        type = query["type"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = query["state"], !text.isEmpty {
            guard let parsed = EventState(rawValue: text) else {
                throw OperatorQueryError("state must be one of \(EventState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            state = parsed
        }
        since = try query["since"].map { text throws(OperatorQueryError) in try Self.time(text, "since") }
        until = try query["until"].map { text throws(OperatorQueryError) in try Self.time(text, "until") }
        if let text = query["before"] {
            guard let cursor = UInt64(text) else { throw OperatorQueryError("before must be a next_before value from an earlier answer") }
            before = cursor
        }
        if let text = query["limit"] {
            guard let n = Int(text), n > 0 else { throw OperatorQueryError("limit must be a positive integer (at most \(Self.maxLimit))") }
            limit = min(n, Self.maxLimit)
        }
    }

    /// `2026-05-01T12:00:00Z` (fractional seconds allowed) or unix seconds, as unix milliseconds.
    static func time(_ text: String, _ name: String) throws(OperatorQueryError) -> Int64 {
        if let seconds = Int64(text) {
            // Checked: a huge number must be a 400, not an overflow trap that stops the server.
            let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            guard !overflow else { throw OperatorQueryError("\(name) is out of range") }
            return ms
        }
        if let date = try? Date(text, strategy: .iso8601) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? fractional.parse(text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        throw OperatorQueryError("\(name) must be an ISO 8601 time (2026-05-01T12:00:00Z) or unix seconds")
    }

    func matches(source s: String, type t: String?, receivedAt: Int64) -> Bool {
        if let source, source != s { return false }
        if let type, type != t { return false }
        if let since, receivedAt < since { return false }
        if let until, receivedAt > until { return false }
        return true
    }
}
