import CCPU
/// Dedupe key digest → offset of the event's `received` record: the fold's largest index,
/// in one flat table (open addressing, linear probing, four words a slot so a slot never
/// spans two cache lines), so inserting a million keys costs no allocation per key, one
/// cache miss per probe, and a snapshot stores it as plain words.
struct DigestIndex: Sendable {
    // Slot i is words 4i..4i+3: digest high, digest low, value, unused. A slot is empty
    // while its low word is 0; digests are stored with the low bit of `low` set, so no real
    // digest looks empty (127 bits remain).
    private var storage: WordBuffer
    private(set) var count = 0
    /// The table being outgrown, while its entries move into `storage` a few slots per insert:
    /// moving them all at once held the state's lock for 20-60 ms at each doubling past a few
    /// hundred thousand events, and every request waited. Entries stay in it once moved (a
    /// cleared slot would cut the probe runs that pass it), so look-ups may consult both.
    private var outgrown: WordBuffer?
    /// Slots of `outgrown` below this have been moved.
    private var moved = 0
    /// Slots of `outgrown` moved per insert: its last slot moves long before `storage`,
    /// twice its size, fills to the load limit (that takes a quarter of its capacity).
    private static let movesPerInsert = 8

    init(capacity: Int = 0) {
        storage = WordBuffer(count: 4 * OffsetHashing.slots(for: capacity))
    }

    private var capacity: Int { storage.count / 4 }

    subscript(digest: KeyDigest) -> UInt64? {
        if let value = Self.find(digest, in: storage) { return value }
        return outgrown.flatMap { Self.find(digest, in: $0) }
    }

    private static func find(_ digest: KeyDigest, in table: WordBuffer) -> UInt64? {
        let words = table.words
        let low = digest.low | 1
        let mask = table.count / 4 - 1
        var i = Int(truncatingIfNeeded: digest.high) & mask
        while words[4 * i + 1] != 0 {
            if words[4 * i + 1] == low && words[4 * i] == digest.high { return words[4 * i + 2] }
            i = (i + 1) & mask
        }
        return nil
    }

    /// Starts loading the slot `digest` probes first, ahead of `insert`.
    func prefetch(_ digest: KeyDigest) {
        gh_prefetch_for_write(storage.words + 4 * (Int(truncatingIfNeeded: digest.high) & (capacity - 1)))
    }

    /// Inserts unless present; returns false (and changes nothing) when the digest is known.
    @discardableResult
    mutating func insert(_ digest: KeyDigest, _ value: UInt64) -> Bool {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        if (count + 1) * 4 > capacity * 3 {
            // Normally nothing is left to move by now (see `movesPerInsert`); removals aside.
            finishMoving()
            outgrown = storage
            moved = 0
            storage = WordBuffer(count: 4 * capacity * 2, hugePages: false)
        }
        if outgrown != nil { moveSome() }
        if let old = outgrown, Self.find(digest, in: old) != nil { return false }
        guard Self.place(digest.high, digest.low | 1, value, in: storage) else { return false }
        count += 1
        return true
    }

    /// Writes the entry into `table` unless its digest is there already.
    private static func place(_ high: UInt64, _ low: UInt64, _ value: UInt64, in table: WordBuffer) -> Bool {
        let words = table.words
        let mask = table.count / 4 - 1
        var i = Int(truncatingIfNeeded: high) & mask
        while words[4 * i + 1] != 0 {
            if words[4 * i + 1] == low && words[4 * i] == high { return false }
            i = (i + 1) & mask
        }
        words[4 * i] = high
        words[4 * i + 1] = low
        words[4 * i + 2] = value
        return true
    }

    private mutating func moveSome(_ slots: Int = movesPerInsert) {
        guard let old = outgrown else { return }
        let words = old.words
        let end = min(old.count / 4, moved + slots)
        for i in moved..<end where words[4 * i + 1] != 0 {
            _ = Self.place(words[4 * i], words[4 * i + 1], words[4 * i + 2], in: storage)
        }
        moved = end
        if moved == old.count / 4 {
            outgrown = nil
            storage.adviseHugePages()
        }
    }

    private mutating func finishMoving() {
        if outgrown != nil {
            if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
            moveSome(Int.max / 2)
        }
    }

    mutating func reserve(_ wanted: Int) {
        let target = OffsetHashing.slots(for: wanted)
        if target > capacity { rebuild(slots: target) { _ in true } }
    }

    /// Every entry as (high, low, value) words, in slot order: what a snapshot stores.
    func forEach(_ body: (UInt64, UInt64, UInt64) -> Void) {
        let words = storage.words
        for i in 0..<capacity where words[4 * i + 1] != 0 { body(words[4 * i], words[4 * i + 1], words[4 * i + 2]) }
        // Entries not moved yet; the moved ones were just visited in `storage`.
        if let old = outgrown {
            let words = old.words
            for i in moved..<(old.count / 4) where words[4 * i + 1] != 0 { body(words[4 * i], words[4 * i + 1], words[4 * i + 2]) }
        }
    }

    /// Forgets every entry whose value fails `keep`.
    mutating func removeAll(keeping keep: (UInt64) -> Bool) {
        rebuild(slots: capacity, keeping: keep)
    }

    /// Removes `digest`, returning its value. Later entries of its probe run move back into
    /// the gap (linear probing has no tombstones), so look-ups stay one run long.
    @discardableResult
    mutating func remove(_ digest: KeyDigest) -> UInt64? {
        guard count > 0 else { return nil }
        // Rare (a settled delivery reopened): not worth teaching removal about two tables.
        finishMoving()
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        let words = storage.words
        let low = digest.low | 1
        let mask = capacity - 1
        var hole = Int(truncatingIfNeeded: digest.high) & mask
        while words[4 * hole + 1] != low || words[4 * hole] != digest.high {
            if words[4 * hole + 1] == 0 { return nil }
            hole = (hole + 1) & mask
        }
        let value = words[4 * hole + 2]
        var next = (hole + 1) & mask
        while words[4 * next + 1] != 0 {
            let home = Int(truncatingIfNeeded: words[4 * next]) & mask
            // The entry at `next` may fill the hole unless its home lies cyclically in (hole, next].
            let stays = hole <= next ? (home > hole && home <= next) : (home > hole || home <= next)
            if !stays {
                for w in 0..<3 { words[4 * hole + w] = words[4 * next + w] }
                hole = next
            }
            next = (next + 1) & mask
        }
        words[4 * hole] = 0
        words[4 * hole + 1] = 0
        words[4 * hole + 2] = 0
        count -= 1
        return value
    }

    /// Restores an entry written by `forEach` (its `low` word already carries the set bit).
    mutating func restore(high: UInt64, low: UInt64, value: UInt64) {
        insert(KeyDigest(high: high, low: low), value)
    }

    /// Puts the entries whose value passes `keep` into a fresh table of `slots` slots, at once.
    private mutating func rebuild(slots: Int, keeping keep: (UInt64) -> Bool) {
        let fresh = WordBuffer(count: 4 * slots)
        var kept = 0
        forEach { high, low, value in
            if keep(value) && Self.place(high, low, value, in: fresh) { kept += 1 }
        }
        storage = fresh
        outgrown = nil
        moved = 0
        count = kept
    }
}
