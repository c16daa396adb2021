import Routing

/// `GET /events`: recent events, newest first, filtered by source, type, time and state.
/// Walks the event index backwards a page at a time (each page one forward read of the
/// log), stops at the limit, and bounds the work per request: an answer that stopped
/// early says so and carries the cursor to continue from.
enum EventSearch {
    /// Events examined per request at most.
    static let scanBudget = 50_000
    /// How far arrival times may run out of log order (an event's time is taken before its
    /// append waits for the writer), allowed for when a time bound narrows the walk; the
    /// exact bounds are then checked per event.
    static let clockSlackMs: Int64 = 5_000

    static func run(_ query: EventSearchQuery, store: EventStore, events: EventIndex) throws -> JSONValue {
        let index = events.snapshot()
        var lo = 0
        var hi = index.count
        if let before = query.before { hi = firstPosition(in: index, lo..<hi) { $0 >= before } }
        if let until = query.until {
            // Saturating: the query's bounds may sit at the ends of Int64 (it trapped there).
            let limit = until.addingReportingOverflow(clockSlackMs)
            hi = try firstPosition(index, lo..<hi, store: store) { !limit.overflow && $0 > limit.partialValue }
        }
        if let since = query.since {
            let limit = since.subtractingReportingOverflow(clockSlackMs)
            lo = try firstPosition(index, lo..<hi, store: store) { limit.overflow || $0 >= limit.partialValue }
        }
        var rows: [JSONValue] = []
        var scanned = 0
        var cursor = hi
        var pageSize = max(64, query.limit)
        var nextBefore: UInt64?
        walk: while cursor > lo {
            if scanned >= scanBudget {
                nextBefore = index[cursor]
                break
            }
            let start = max(lo, cursor - pageSize)
            var page = try EventPage(offsets: Array(index[start..<cursor]), store: store)
            let passing = page.entries.indices.reversed().filter {
                let e = page.entries[$0].event
                return query.matches(source: e.source, type: e.eventType, receivedAt: e.receivedAt)
            }
            // States cost a read of each routed record: resolve them all only when filtering
            // by state, otherwise just for the rows this page can still contribute.
            let resolved = query.state == nil ? Array(passing.prefix(query.limit - rows.count)) : passing
            try page.resolveStates(resolved, store: store, index: events)
            let passingSet = Set(resolved)
            for i in page.entries.indices.reversed() {
                let entry = page.entries[i]
                scanned += 1
                guard passingSet.contains(i), query.state == nil || query.state == entry.state else { continue }
                rows.append(row(entry))
                if rows.count == query.limit {
                    // More may follow if anything older is left to look at.
                    if i > 0 || start > lo { nextBefore = entry.offset }
                    break walk
                }
            }
            cursor = start
            pageSize = min(pageSize * 2, 4096)
        }
        return .object([
            "events": .array(rows),
            "count": .int(Int64(rows.count)),
            "limit": .int(Int64(query.limit)),
            "scanned": .int(Int64(scanned)),
            "complete": .bool(nextBefore == nil),
            "next_before": nextBefore.map { .int(Int64($0)) } ?? .null,
        ])
    }

    private static func row(_ entry: EventPage.Entry) -> JSONValue {
        .object([
            "event_id": .string(entry.event.eventID),
            "source": .string(entry.event.source),
            "type": entry.event.eventType.map(JSONValue.string) ?? .null,
            "received_at": .string(Clock.iso8601(milliseconds: entry.event.receivedAt)),
            "state": .string(entry.state.rawValue),
            "jobs": .int(Int64(entry.jobs)),
            "body_bytes": .int(Int64(entry.bodyBytes)),
            "offset": .int(Int64(entry.offset)),
        ])
    }

    /// The first position in `range` whose offset satisfies `predicate` (false then true).
    static func firstPosition(in index: [UInt64], _ range: Range<Int>, _ predicate: (UInt64) -> Bool) -> Int {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let mid = (low + high) / 2
            if predicate(index[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// The same over the events' arrival times, reading one record per probe.
    static func firstPosition(_ index: [UInt64], _ range: Range<Int>, store: EventStore,
                              _ predicate: (Int64) -> Bool) throws -> Int {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let mid = (low + high) / 2
            guard case .received(let e)? = try store.record(at: index[mid]) else { low = mid + 1; continue }
            if predicate(e.receivedAt) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
