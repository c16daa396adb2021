/// The segment files found in a log directory, in offset order.
struct SegmentListing: Sendable {
    /// (base offset from the file name, file name), sorted by base.
    let segments: [(base: UInt64, name: String)]
    /// Leftovers of a segment creation that did not finish.
    let temporaries: [String]

    /// The largest base offset a segment may have (2^62): far beyond any real log, and low
    /// enough that base + file size + index steps cannot overflow a UInt64.
    static let maxBase: UInt64 = 1 << 62

    static func scan(_ directory: String) throws(LogError) -> SegmentListing {
        var segments: [(base: UInt64, name: String)] = []
        var temporaries: [String] = []
        for name in try FileIO.listDirectory(directory) {
            if let base = SegmentName.base(of: name) {
                // Offsets are base + position: a base this large would overflow them, so no
                // writer made this file. Refuse it here, where every reader of the directory starts.
                guard base <= maxBase else {
                    throw .corrupt(CorruptionReport(segment: name, offset: base, position: 0,
                                                    reason: "segment base offset \(base) is out of range (at most \(maxBase))"))
                }
                segments.append((base, name))
            } else if name.hasSuffix(SegmentName.temporarySuffix) {
                temporaries.append(name)
            }
        }
        segments.sort { $0.base < $1.base }
        return SegmentListing(segments: segments, temporaries: temporaries.sorted())
    }
}
