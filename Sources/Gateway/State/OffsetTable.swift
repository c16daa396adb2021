/// Log offset → log offset, in flat arrays (open addressing, linear probing): how the fold
/// links each record of an event's history to the one before it without an array per event.
struct OffsetTable: Sendable {
    // Keys are stored plus one, so zero marks an empty slot and offset 0 stays usable.
    private var keys: [UInt64]
    private var values: [UInt64]
    private(set) var count = 0

    init(capacity: Int = 0) {
        var slots = 16
        while slots * 3 < capacity * 4 { slots *= 2 }
        keys = [UInt64](repeating: 0, count: slots)
        values = keys
    }

    subscript(key: UInt64) -> UInt64? {
        get {
            let stored = key &+ 1
            let mask = keys.count - 1
            var i = Self.slot(stored) & mask
            while keys[i] != 0 {
                if keys[i] == stored { return values[i] }
                i = (i + 1) & mask
            }
            return nil
        }
        set {
            guard let newValue else { preconditionFailure("OffsetTable keeps every link; removal is not needed") }
            if (count + 1) * 4 > keys.count * 3 { grow(to: keys.count * 2) }
            let stored = key &+ 1
            let mask = keys.count - 1
            var i = Self.slot(stored) & mask
            while keys[i] != 0 && keys[i] != stored { i = (i + 1) & mask }
            if keys[i] == 0 { count += 1 }
            keys[i] = stored
            values[i] = newValue
        }
    }

    mutating func reserve(_ capacity: Int) {
        var slots = keys.count
        while slots * 3 < capacity * 4 { slots *= 2 }
        if slots > keys.count { grow(to: slots) }
    }

    func forEach(_ body: (UInt64, UInt64) -> Void) {
        for i in keys.indices where keys[i] != 0 { body(keys[i] &- 1, values[i]) }
    }

    /// Offsets are near-sequential; a multiplicative hash spreads them over the slots.
    @inline(__always)
    private static func slot(_ stored: UInt64) -> Int {
        Int(truncatingIfNeeded: (stored &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }

    private mutating func grow(to slots: Int) {
        let old = (keys, values)
        keys = [UInt64](repeating: 0, count: slots)
        values = keys
        count = 0
        for i in old.0.indices where old.0[i] != 0 { self[old.0[i] &- 1] = old.1[i] }
    }
}
