/// The segment files found in a log directory, in offset order.
struct SegmentListing: Sendable {
    /// (base offset from the file name, file name), sorted by base.
    let segments: [(base: UInt64, name: String)]
    /// Leftovers of a segment creation that did not finish.
    let temporaries: [String]

    static func scan(_ directory: String) throws(LogError) -> SegmentListing {
        var segments: [(base: UInt64, name: String)] = []
        var temporaries: [String] = []
        for name in try FileIO.listDirectory(directory) {
            if let base = SegmentName.base(of: name) {
                segments.append((base, name))
            } else if name.hasSuffix(SegmentName.temporarySuffix) {
                temporaries.append(name)
            }
        }
        segments.sort { $0.base < $1.base }
        return SegmentListing(segments: segments, temporaries: temporaries.sorted())
    }
}
