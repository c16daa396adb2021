/// Offline integrity check: reads every segment and every CRC and lists all
/// damage, including damage that follows other damage. It never writes, so it
/// is safe to run on a copy, on a log that refuses to open, or on a live one
/// (where a batch being written may show up as a torn tail).
public enum LogVerifier {
    public static func verify(directory: String, maxRecordSize: Int = FileLogOptions().maxRecordSize) -> VerificationReport {
        let listing: SegmentListing
        do {
            listing = try SegmentListing.scan(directory)
        } catch {
            let report = CorruptionReport(segment: "", offset: 0, position: 0, reason: error.description)
            return VerificationReport(segments: 0, records: 0, bytes: 0, damage: [report])
        }
        var damage: [CorruptionReport] = []
        var records = 0
        var bytes: UInt64 = 0
        var previousEnd: UInt64?
        for (number, entry) in listing.segments.enumerated() {
            let isLast = number == listing.segments.count - 1
            func note(_ position: Int, _ reason: String) {
                let offset = entry.base + UInt64(max(position - SegmentHeader.size, 0))
                damage.append(CorruptionReport(segment: entry.name, offset: offset, position: position, reason: reason))
            }
            if let previousEnd, previousEnd != entry.base {
                note(0, "segment starts at offset \(entry.base) but the previous one ends at \(previousEnd)")
            }
            let contents: [UInt8]
            do {
                contents = try FileIO.readFile(SegmentFile.path(directory, entry.name))
            } catch {
                note(0, "unreadable: \(error.description)")
                previousEnd = nil
                continue
            }
            bytes += UInt64(contents.count)
            previousEnd = entry.base + UInt64(max(contents.count - SegmentHeader.size, 0))
            contents.withUnsafeBytes { raw in
                switch SegmentHeader.decode(raw) {
                case .failure(let problem):
                    // Keep going with the base from the file name: the records may be fine.
                    note(0, problem.reason)
                case .success(let header) where header.base != entry.base:
                    note(0, "header says base offset \(header.base) but the file name says \(entry.base)")
                case .success:
                    break
                }
                guard raw.count > SegmentHeader.size else { return }
                var index = SparseIndex()
                var position = SegmentHeader.size
                while true {
                    let run = SegmentScanner.run(raw, base: entry.base, from: position, index: &index)
                    records += run.records
                    guard let problem = run.problem else { break }
                    // The last segment may end in zeros prepared for appends; that is not damage.
                    if isLast && SegmentScanner.isZeroFilled(raw, from: run.end) { break }
                    if let next = SegmentScanner.resync(raw, base: entry.base, after: run.end, maxRecordSize: maxRecordSize) {
                        let skipped = next - run.end
                        note(run.end, problem + "; \(skipped) bytes up to the next valid record at offset \(entry.base + UInt64(next - SegmentHeader.size))")
                        position = next
                    } else {
                        let rest = raw.count - run.end
                        let tail = isLast ? "; torn tail, open would cut it" : ""
                        note(run.end, problem + "; no valid record in the last \(rest) bytes" + tail)
                        break
                    }
                }
            }
        }
        return VerificationReport(segments: listing.segments.count, records: records, bytes: bytes, damage: damage)
    }
}
