import Glibc

/// Streams records out of segment files for `read(from:)`, through one reusable
/// buffer, checking every CRC on the way: bit rot that appears after open is
/// reported, never handed to a reader as data.
struct SegmentReader {
    private static let chunk = 256 << 10

    let directory: String
    private var buffer = [UInt8](repeating: 0, count: SegmentReader.chunk)
    /// File position of `buffer[0]` and how many bytes of it are valid.
    private var bufferStart = 0
    private var buffered = 0

    init(directory: String) {
        self.directory = directory
    }

    /// Visits the records of `segment` from offset `start` (a record boundary) up to its
    /// durable size, passing those at or above `from`; returns false if the visitor asked to
    /// stop. The visitor sees each payload in the read buffer, valid only during the call: a
    /// restart's fold reads a gigabyte and copies none of it out. (Reading into a buffer
    /// that stays in the core's cache beat a fresh mapping of the segment, which pays a page
    /// fault per 4 KiB; `mapped`, recovery's own mapping with its pages just read, beats both.)
    /// `verify: false` skips the CRCs, for a pass right behind one that checked them (a
    /// start folds the log just after recovery read every byte of it); lengths are still
    /// bounds-checked, so a bad one is damage, never a wild read.
    mutating func visitBorrowed(_ segment: SegmentInfo, startingAt start: UInt64, from: UInt64, verify: Bool = true,
                                mapped: UnsafeRawBufferPointer? = nil,
                                _ visitor: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws -> Bool {
        if let mapped, mapped.count >= segment.fileSize {
            return try visitMapped(mapped, segment, startingAt: start, from: from, verify: verify, visitor)
        }
        let path = SegmentFile.path(directory, segment.fileName)
        let fd = try FileIO.open(path, flags: O_RDONLY)
        defer { FileIO.close(fd) }
        bufferStart = 0
        buffered = 0
        var position = segment.position(ofOffset: max(start, segment.base))
        while position < segment.fileSize {
            let offset = segment.offset(atPosition: position)
            func damage(_ reason: String) -> LogError {
                .corrupt(CorruptionReport(segment: segment.fileName, offset: offset, position: position, reason: reason))
            }
            try fill(fd, segment, position, RecordFrame.headerSize)
            let length = buffer.withUnsafeBytes {
                Int($0.loadUnaligned(fromByteOffset: position - bufferStart + 4, as: UInt32.self).littleEndian)
            }
            guard length <= segment.fileSize - position - RecordFrame.headerSize else {
                throw damage("record length \(length) runs past the durable end of the segment")
            }
            try fill(fd, segment, position, RecordFrame.headerSize + length)
            let keepGoing = try buffer.withUnsafeBytes { (raw) throws -> Bool in
                let at = position - bufferStart
                let window = UnsafeRawBufferPointer(rebasing: raw[at..<(at + RecordFrame.headerSize + length)])
                guard !verify || RecordFrame.validLength(in: window, at: 0, offset: offset, limit: length) != nil else {
                    throw damage("record CRC mismatch while reading (length \(length))")
                }
                guard offset >= from else { return true }
                return try visitor(offset, UnsafeRawBufferPointer(rebasing: window[RecordFrame.headerSize...]))
            }
            position += RecordFrame.headerSize + length
            if !keepGoing { return false }
        }
        return true
    }

    /// As `visitBorrowed`, over a mapping of the segment that recovery has just read: the
    /// pages are resident and their page tables filled, so nothing is copied.
    private func visitMapped(_ raw: UnsafeRawBufferPointer, _ segment: SegmentInfo, startingAt start: UInt64, from: UInt64,
                             verify: Bool, _ visitor: (UInt64, UnsafeRawBufferPointer) throws -> Bool) throws -> Bool {
        var position = segment.position(ofOffset: max(start, segment.base))
        while position < segment.fileSize {
            let offset = segment.offset(atPosition: position)
            func damage(_ reason: String) -> LogError {
                .corrupt(CorruptionReport(segment: segment.fileName, offset: offset, position: position, reason: reason))
            }
            guard segment.fileSize - position >= RecordFrame.headerSize else { throw damage("a record header runs past the durable end") }
            let length = Int(raw.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self).littleEndian)
            guard length <= segment.fileSize - position - RecordFrame.headerSize else {
                throw damage("record length \(length) runs past the durable end of the segment")
            }
            let window = UnsafeRawBufferPointer(rebasing: raw[position..<(position + RecordFrame.headerSize + length)])
            guard !verify || RecordFrame.validLength(in: window, at: 0, offset: offset, limit: length) != nil else {
                throw damage("record CRC mismatch while reading (length \(length))")
            }
            position += RecordFrame.headerSize + length
            if offset >= from, try !visitor(offset, UnsafeRawBufferPointer(rebasing: window[RecordFrame.headerSize...])) { return false }
        }
        return true
    }

    /// Visits the records that start at `offsets` (ascending, all inside `segment`). An
    /// offset that is not a valid record start is reported as damage.
    mutating func visitRecords(_ segment: SegmentInfo, at offsets: ArraySlice<UInt64>,
                               _ visitor: (UInt64, UnsafeRawBufferPointer) throws -> Void) throws {
        let path = SegmentFile.path(directory, segment.fileName)
        let fd = try FileIO.open(path, flags: O_RDONLY)
        defer { FileIO.close(fd) }
        bufferStart = 0
        buffered = 0
        for offset in offsets {
            let position = segment.position(ofOffset: offset)
            func damage(_ reason: String) -> LogError {
                .corrupt(CorruptionReport(segment: segment.fileName, offset: offset, position: position, reason: reason))
            }
            guard position + RecordFrame.headerSize <= segment.fileSize else { throw damage("no record starts here (past the durable end)") }
            try fill(fd, segment, position, RecordFrame.headerSize)
            let length = buffer.withUnsafeBytes {
                Int($0.loadUnaligned(fromByteOffset: position - bufferStart + 4, as: UInt32.self).littleEndian)
            }
            guard length <= segment.fileSize - position - RecordFrame.headerSize else { throw damage("no record starts here (length runs past the end)") }
            try fill(fd, segment, position, RecordFrame.headerSize + length)
            try buffer.withUnsafeBytes { raw in
                let at = position - bufferStart
                let window = UnsafeRawBufferPointer(rebasing: raw[at..<(at + RecordFrame.headerSize + length)])
                guard RecordFrame.validLength(in: window, at: 0, offset: offset, limit: length) != nil else {
                    throw damage("no valid record starts here (CRC mismatch)")
                }
                try visitor(offset, UnsafeRawBufferPointer(rebasing: window[RecordFrame.headerSize...]))
            }
        }
    }

    /// Makes file bytes `position ..< position + count` available in the buffer,
    /// reading ahead up to the segment's durable size in large chunks.
    private mutating func fill(_ fd: Int32, _ segment: SegmentInfo, _ position: Int, _ count: Int) throws(LogError) {
        if position >= bufferStart && position + count <= bufferStart + buffered { return }
        if count > buffer.count {
            buffer = [UInt8](repeating: 0, count: count)
        }
        let want = min(buffer.count, segment.fileSize - position)
        let got = try buffer.withMutableBytes { (raw) throws(LogError) -> Int in
            try FileIO.readFully(fd, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<want]), at: position)
        }
        bufferStart = position
        buffered = got
        guard got >= count else {
            throw LogError.corrupt(CorruptionReport(
                segment: segment.fileName, offset: segment.offset(atPosition: position), position: position,
                reason: "segment file is shorter than its durable size"))
        }
    }
}
