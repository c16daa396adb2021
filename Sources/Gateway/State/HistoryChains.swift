/// Every accepted event's records, as chains in chunked arrays: event n is the n-th accepted
/// `received` record, and each later record about it points at the one before it. A fold
/// only appends (events and records arrive in log order), so it touches memory in order
/// instead of hashing into tables, and a snapshot stores the four arrays as they are.
struct HistoryChains: Sendable, Equatable {
    /// `received` offsets of accepted events, ascending: event n is `received[n]`.
    private(set) var received = ChunkedArray<UInt64>()
    /// Per event: the index in `records` of its newest later record, or -1.
    private(set) var newest = ChunkedArray<Int>()
    /// Records after the `received` one (routed, attempts, deliveries...), in log order.
    private(set) var records = ChunkedArray<UInt64>()
    /// Per record: the index in `records` of the one before it in its chain, or -1 for the
    /// event's `received` record.
    private(set) var previous = ChunkedArray<Int>()

    init() {}

    init?(received: [UInt64], newest: [Int], records: [UInt64], previous: [Int]) {
        // Links only point back in log order, so a walk always ends (no cycle can be read in).
        guard newest.count == received.count, previous.count == records.count,
              newest.allSatisfy({ $0 >= -1 && $0 < records.count }),
              previous.indices.allSatisfy({ previous[$0] >= -1 && previous[$0] < $0 }) else { return nil }
        self.received = ChunkedArray(received)
        self.newest = ChunkedArray(newest)
        self.records = ChunkedArray(records)
        self.previous = ChunkedArray(previous)
    }

    var eventCount: Int { received.count }

    mutating func addEvent(_ offset: UInt64) {
        received.append(offset)
        newest.append(-1)
    }

    /// The event whose `received` record is at `offset`. Records about an event mostly
    /// follow it closely, so the newest few are tried before a binary search, and `near`
    /// (the event found last time: routed records come in the order their events did) and
    /// the one after it before that.
    func event(receivedAt offset: UInt64, near: Int? = nil) -> Int? {
        if let near, near + 1 < received.count {
            if received[near + 1] == offset { return near + 1 }
            if received[near] == offset { return near }
        }
        var i = received.count - 1
        let nearEnd = max(0, received.count - 8)
        while i >= nearEnd {
            if received[i] == offset { return i }
            if received[i] < offset { return nil }
            i -= 1
        }
        var low = 0, high = nearEnd
        while low < high {
            let mid = (low + high) / 2
            if received[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low < nearEnd && received[low] == offset ? low : nil
    }

    mutating func link(_ record: UInt64, toEvent n: Int) {
        previous.append(newest[n])
        records.append(record)
        newest[n] = records.count - 1
    }

    /// The event's record offsets, oldest (its `received`) first.
    func chain(ofEvent n: Int) -> [UInt64] {
        var chain: [UInt64] = []
        var i = newest[n]
        while i >= 0 {
            chain.append(records[i])
            i = previous[i]
        }
        chain.append(received[n])
        return chain.reversed()
    }

    /// Forgets the events received before `offset` and their records (retention), keeping
    /// every other event's chain as it was.
    mutating func dropEvents(before offset: UInt64) {
        var first = 0, high = received.count
        while first < high {
            let mid = (first + high) / 2
            if received[mid] < offset { first = mid + 1 } else { high = mid }
        }
        guard first > 0 else { return }
        var kept: [(record: UInt64, event: Int)] = []
        for n in first..<received.count {
            for record in chain(ofEvent: n).dropFirst() { kept.append((record, n - first)) }
        }
        kept.sort { $0.record < $1.record }
        received = ChunkedArray(Array(received.array.dropFirst(first)))
        newest = ChunkedArray([Int](repeating: -1, count: received.count))
        records = ChunkedArray()
        previous = ChunkedArray()
        for entry in kept { link(entry.record, toEvent: entry.event) }
    }

    /// The record right after the event's `received` one (normally its `routed`).
    func second(ofEvent n: Int) -> UInt64? {
        var i = newest[n]
        while i >= 0 {
            if previous[i] < 0 { return records[i] }
            i = previous[i]
        }
        return nil
    }
}
