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
        var utf8 = id.utf8[...]
        guard utf8.starts(with: "job_".utf8) else { return nil }
        utf8 = utf8.dropFirst(4)
        guard let offset = Self.number(&utf8), utf8.first == UInt8(ascii: "_") else { return nil }
        utf8 = utf8.dropFirst()
        guard let ordinal = Self.number(&utf8), utf8.isEmpty, ordinal < 0xFF else { return nil }
        self.init(eventOffset: offset, ordinal: Int(ordinal))
    }

    var description: String { "job_\(eventOffset)_\(ordinal)" }

    static func < (a: RoutedJobID, b: RoutedJobID) -> Bool { a.packed < b.packed }

    /// A canonical decimal number at the front of `utf8`, consumed.
    private static func number(_ utf8: inout Substring.UTF8View) -> UInt64? {
        var value: UInt64 = 0
        var digits = 0
        while let b = utf8.first, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
            if digits == 1 && value == 0 { return nil }  // a leading zero
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
            digits += 1
            utf8 = utf8.dropFirst()
        }
        return digits > 0 ? value : nil
    }
}
