/// Segment files are named by their base offset, zero-padded so that name order
/// is offset order for anyone listing the directory.
enum SegmentName {
    static let suffix = ".log"
    /// A segment being created; renamed into place only once its header is durable.
    static let temporarySuffix = ".log.tmp"
    private static let digits = 20

    static func fileName(base: UInt64) -> String {
        let number = String(base)
        return String(repeating: "0", count: digits - number.count) + number + suffix
    }

    static func base(of fileName: String) -> UInt64? {
        guard fileName.hasSuffix(suffix) else { return nil }
        let stem = fileName.dropLast(suffix.count)
        guard stem.count == digits, stem.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        // Twenty digits can name more than a UInt64 holds: still a segment's name, so it is
        // reported as out of range (the listing refuses it), not skipped as some other file.
        return UInt64(stem) ?? .max
    }
}
