/// A set of log offsets in one flat array (open addressing, linear probing, deletion by
/// shifting back): the fold adds and removes an entry per webhook (`unrouted`), where a
/// Swift `Set` cost more than the rest of the record's work.
struct OffsetSet: Sendable, Equatable {
    // Stored plus one: zero marks an empty slot.
    private var slots: [UInt64] = [UInt64](repeating: 0, count: 16)
    private(set) var count = 0

    init() {}

    init(_ offsets: some Sequence<UInt64>) {
        for offset in offsets { insert(offset) }
    }

    var isEmpty: Bool { count == 0 }

    func contains(_ offset: UInt64) -> Bool {
        let stored = offset &+ 1
        let mask = slots.count - 1
        var i = OffsetHashing.home(stored) & mask
        while slots[i] != 0 {
            if slots[i] == stored { return true }
            i = (i + 1) & mask
        }
        return false
    }

    @discardableResult
    mutating func insert(_ offset: UInt64) -> Bool {
        if (count + 1) * 4 > slots.count * 3 { rehash(to: slots.count * 2) }
        let stored = offset &+ 1
        let mask = slots.count - 1
        var i = OffsetHashing.home(stored) & mask
        while slots[i] != 0 {
            if slots[i] == stored { return false }
            i = (i + 1) & mask
        }
        slots[i] = stored
        count += 1
        return true
    }

    /// Removes `offset`; returns whether it was there.
    @discardableResult
    mutating func remove(_ offset: UInt64) -> Bool {
        let stored = offset &+ 1
        let mask = slots.count - 1
        var hole = OffsetHashing.home(stored) & mask
        while slots[hole] != stored {
            if slots[hole] == 0 { return false }
            hole = (hole + 1) & mask
        }
        // Move later entries of the same probe run back into the hole, so lookups that
        // stop at the first empty slot still find them.
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = OffsetHashing.home(slots[next]) & mask
            // The entry may move to the hole unless its home lies cyclically in (hole, next].
            let distanceToNext = (next &- home) & mask
            let distanceToHole = (hole &- home) & mask
            if distanceToHole < distanceToNext {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
        count -= 1
        // Shrink after a large burst (a crash backlog), so the set stays small in steady
        // state; small sets keep their room, or every group commit would rehash them.
        if slots.count > 1 << 16 && count * 8 < slots.count { rehash(to: slots.count / 2) }
        return true
    }

    func sorted() -> [UInt64] { slots.filter { $0 != 0 }.map { $0 &- 1 }.sorted() }

    static func == (a: OffsetSet, b: OffsetSet) -> Bool { a.sorted() == b.sorted() }

    private mutating func rehash(to size: Int) {
        let old = slots
        slots = [UInt64](repeating: 0, count: size)
        count = 0
        for stored in old where stored != 0 { insert(stored &- 1) }
    }
}
