/// Sizing and spreading for the flat hash tables of offsets and digests.
enum OffsetHashing {
    /// A power of two with room for `capacity` entries at three-quarters load.
    static func slots(for capacity: Int) -> Int {
        var slots = 16
        while slots * 3 < capacity * 4 { slots *= 2 }
        return slots
    }

    /// Offsets are near-sequential; a multiplicative hash spreads them over the slots.
    @inline(__always)
    static func home(_ stored: UInt64) -> Int {
        Int(truncatingIfNeeded: (stored &* 0x9E37_79B9_7F4A_7C15) >> 20)
    }
}
