/// Dedupe key digest → offset of the event's `received` record: the fold's largest index,
/// kept in flat arrays (open addressing, linear probing) so inserting a million keys costs
/// no allocation per key, and a snapshot stores it as plain words.
struct DigestIndex: Sendable {
    // Slot i is empty while highs[i] == 0 && lows[i] == 0; digests are stored with the low
    // bit of `low` set, so no real digest looks empty (127 bits remain).
    private var highs: [UInt64]
    private var lows: [UInt64]
    private var values: [UInt64]
    private(set) var count = 0

    init(capacity: Int = 0) {
        let slots = Self.slots(for: capacity)
        highs = [UInt64](repeating: 0, count: slots)
        lows = highs
        values = highs
    }

    subscript(digest: KeyDigest) -> UInt64? {
        let low = digest.low | 1
        let mask = highs.count - 1
        var i = Int(truncatingIfNeeded: digest.high) & mask
        while true {
            if highs[i] == digest.high && lows[i] == low { return values[i] }
            if highs[i] == 0 && lows[i] == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Inserts unless present; returns false (and changes nothing) when the digest is known.
    @discardableResult
    mutating func insert(_ digest: KeyDigest, _ value: UInt64) -> Bool {
        if (count + 1) * 4 > highs.count * 3 { grow(to: highs.count * 2) }
        let low = digest.low | 1
        let mask = highs.count - 1
        var i = Int(truncatingIfNeeded: digest.high) & mask
        while !(highs[i] == 0 && lows[i] == 0) {
            if highs[i] == digest.high && lows[i] == low { return false }
            i = (i + 1) & mask
        }
        highs[i] = digest.high
        lows[i] = low
        values[i] = value
        count += 1
        return true
    }

    mutating func reserve(_ capacity: Int) {
        let slots = Self.slots(for: capacity)
        if slots > highs.count { grow(to: slots) }
    }

    /// Every entry as (high, low, value) words, in slot order: what a snapshot stores.
    func forEach(_ body: (UInt64, UInt64, UInt64) -> Void) {
        for i in highs.indices where !(highs[i] == 0 && lows[i] == 0) { body(highs[i], lows[i], values[i]) }
    }

    /// Restores an entry written by `forEach` (its `low` word already carries the set bit).
    mutating func restore(high: UInt64, low: UInt64, value: UInt64) {
        insert(KeyDigest(high: high, low: low), value)
    }

    private static func slots(for capacity: Int) -> Int {
        var slots = 16
        while slots * 3 < capacity * 4 { slots *= 2 }
        return slots
    }

    private mutating func grow(to slots: Int) {
        let old = (highs, lows, values)
        highs = [UInt64](repeating: 0, count: slots)
        lows = highs
        values = highs
        count = 0
        for i in old.0.indices where !(old.0[i] == 0 && old.1[i] == 0) {
            insert(KeyDigest(high: old.0[i], low: old.1[i]), old.2[i])
        }
    }
}
