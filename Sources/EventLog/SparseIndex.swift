/// Record-start offsets sampled about every 64 KiB of log, so `read(from:)` can
/// start near its target instead of walking a whole segment from its header.
struct SparseIndex: Sendable {
    static let interval: UInt64 = 64 << 10

    private(set) var entries: [UInt64] = []
    /// The first offset that earns an entry; offsets are noted in increasing order.
    private var next: UInt64 = 0

    mutating func note(_ offset: UInt64) {
        guard offset >= next else { return }
        entries.append(offset)
        next = offset + Self.interval
    }

    /// Hands the entries noted so far to the shared index, keeping the sampling position.
    mutating func takeEntries() -> [UInt64] {
        defer { entries.removeAll(keepingCapacity: true) }
        return entries
    }

    mutating func absorb(_ newEntries: [UInt64]) {
        guard let last = newEntries.last else { return }
        entries.append(contentsOf: newEntries)
        next = max(next, last + Self.interval)
    }

    /// A copy that samples from where this one left off but holds no entries.
    func continuation() -> SparseIndex {
        var copy = SparseIndex()
        copy.next = next
        return copy
    }

    /// Forgets entries below `offset` (their segments were removed).
    mutating func drop(below offset: UInt64) {
        entries.removeAll { $0 < offset }
    }

    /// The largest recorded record start at or below `offset`.
    func floor(_ offset: UInt64) -> UInt64? {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid] <= offset { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : entries[low - 1]
    }
}
