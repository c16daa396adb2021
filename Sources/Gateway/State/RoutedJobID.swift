/// The id the router gives the n-th job of an event, `job_<event offset>_<n>` (see
/// `EventRouter`), packed into one word: settled jobs are kept by this word, not by a string.
/// Only the canonical spelling packs (no leading zeros, n < 255, offset < 2^56), so
/// `id == RoutedJobID(id)!.description` always holds; any other id is kept as a string.
struct RoutedJobID: Hashable, Comparable, Sendable, CustomStringConvertible {
    let packed: UInt64

    var eventOffset: UInt64 { packed >> 8 }
    var ordinal: Int { Int(packed & 0xFF) }

    init?(eventOffset: UInt64, ordinal: Int) {
        guard eventOffset < 1 << 56, ordinal >= 0, ordinal < 0xFF else { return nil }
        packed = eventOffset << 8 | UInt64(ordinal)
    }

    init(packed: UInt64) { self.packed = packed }

    init?(_ id: String) {
        // Parsed over the raw bytes: the fold parses every job id it meets, and String's
        // index-based views cost several times more.
        var id = id
        guard let packed = id.withUTF8({ Self.parse($0) }) else { return nil }
        self.packed = packed
    }

    var description: String { "job_\(eventOffset)_\(ordinal)" }

    static func < (a: RoutedJobID, b: RoutedJobID) -> Bool { a.packed < b.packed }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard bytes.count > 6, bytes[0] == UInt8(ascii: "j"), bytes[1] == UInt8(ascii: "o"), bytes[2] == UInt8(ascii: "b"),
              bytes[3] == UInt8(ascii: "_") else { return nil }
        var i = 4
        guard let offset = number(bytes, &i), i < bytes.count, bytes[i] == UInt8(ascii: "_") else { return nil }
        i += 1
        guard let ordinal = number(bytes, &i), i == bytes.count, ordinal < 0xFF, offset < 1 << 56 else { return nil }
        return offset << 8 | ordinal
    }

    /// A canonical decimal number (no leading zero) starting at `i`, which moves past it.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ i: inout Int) -> UInt64? {
        let start = i
        var value: UInt64 = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            if i > start && value == 0 { return nil }  // a leading zero
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(bytes[i] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        return i > start ? value : nil
    }
}
