import Foundation
import XCTest
@testable import EventLog

final class RecoveryTests: XCTestCase {
    /// Ten 100-byte records in one segment; returns their offsets.
    private func tenRecords(_ dir: TempDirectory, size: Int = 100) throws -> [UInt64] {
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        var offsets: [UInt64] = []
        for i in 0..<10 { offsets += try log.appendAndWait([payload(i, size: size)]) }
        return offsets
    }

    private func checkIntactAndAppendable(_ log: FileLog, records count: Int) throws {
        let records = try readAll(log)
        XCTAssertEqual(records.count, count)
        for (i, record) in records.enumerated() { XCTAssertEqual(record.payload, payload(i, size: 100)) }
        let next = try log.appendAndWait([payload(count, size: 100)])
        XCTAssertEqual(next, [UInt64(count * 108)], "appends continue right after the last good record")
        XCTAssertEqual(try readAll(log).count, count + 1)
    }

    func testTornTailMidPayloadIsCutAndReported() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        let bytes = try readFile(segment)
        try writeFile(segment, Array(bytes.dropLast(50)))

        let log = try FileLog.open(directory: dir.path)
        XCTAssertEqual(log.recovery.truncatedBytes, 108 - 50)
        XCTAssertEqual(log.recovery.truncatedAt, offsets[9])
        XCTAssertEqual(log.recovery.records, 9)
        XCTAssertTrue(log.recovery.reason?.contains("runs past the end") ?? false, log.recovery.reason ?? "")
        XCTAssertTrue(log.recovery.summary.contains("truncated 58 bytes"), log.recovery.summary)
        try checkIntactAndAppendable(log, records: 9)
        log.close()

        let again = try FileLog.open(directory: dir.path)
        defer { again.close() }
        XCTAssertEqual(again.recovery.truncatedBytes, 0)
        XCTAssertEqual(again.recovery.records, 10)
    }

    /// The fold after open reads recovery's mappings in place: after a torn tail was cut
    /// (the mapping is longer than the file now), across segments, and with records appended
    /// since open (read from the file), it must see exactly what a plain read sees.
    func testTheFoldOverRecoveryMappingsSeesWhatAPlainReadSees() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var options = FileLogOptions()
        options.segmentSize = 4096
        options.preallocate = false  // the test cuts into the last record, not into prepared zeros
        do {
            let log = try FileLog.open(directory: dir.path, options: options)
            for i in 0..<100 { _ = try log.appendAndWait([payload(i, size: 100 + i % 7)]) }
            log.close()
        }
        let last = try XCTUnwrap(try dir.segments().last)
        try writeFile(last, Array(try readFile(last).dropLast(30)))
        let log = try FileLog.open(directory: dir.path, options: options)
        defer { log.close() }
        XCTAssertGreaterThan(log.recovery.truncatedBytes, 0)
        XCTAssertGreaterThan(log.recovery.segments, 1)
        _ = try log.appendAndWait([payload(500, size: 90)])
        func borrowed(verifiedAtOpen: Bool) throws -> [(UInt64, [UInt8])] {
            var seen: [(UInt64, [UInt8])] = []
            try log.readBorrowed(from: 0, verifiedAtOpen: verifiedAtOpen) { offset, bytes in seen.append((offset, Array(bytes))); return true }
            return seen
        }
        let mapped = try borrowed(verifiedAtOpen: true)
        let plain = try readAll(log).map { ($0.offset, $0.payload) }
        XCTAssertEqual(mapped.count, 100)
        XCTAssertEqual(mapped.map(\.0), plain.map(\.0))
        XCTAssertTrue(zip(mapped, plain).allSatisfy { $0.1 == $1.1 })
        log.releaseRecoveryMappings()
        XCTAssertTrue(zip(try borrowed(verifiedAtOpen: true), plain).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }, "and the same once unmapped")
    }

    func testTornTailMidHeaderIsCutAndReported() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        let bytes = try readFile(segment)
        try writeFile(segment, Array(bytes.prefix(position(of: offsets[9]) + 5)))

        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(log.recovery.truncatedBytes, 5)
        XCTAssertEqual(log.recovery.truncatedAt, offsets[9])
        XCTAssertTrue(log.recovery.reason?.contains("partial record header") ?? false, log.recovery.reason ?? "")
        try checkIntactAndAppendable(log, records: 9)
    }

    func testBitFlipInTheLastRecordIsCut() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        var bytes = try readFile(segment)
        bytes[position(of: offsets[9]) + 8 + 40] ^= 0x10
        try writeFile(segment, bytes)

        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(log.recovery.truncatedBytes, 108)
        XCTAssertEqual(log.recovery.truncatedAt, offsets[9])
        XCTAssertTrue(log.recovery.reason?.contains("CRC mismatch") ?? false, log.recovery.reason ?? "")
        try checkIntactAndAppendable(log, records: 9)
    }

    /// Zeros after the last record are space a prepared segment holds for appends: kept,
    /// not reported, and written over by the next appends.
    func testZeroedTailIsKeptAsPreallocatedSpace() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        let records = try readFile(segment)
        try writeFile(segment, records + [UInt8](repeating: 0, count: 4096))

        do {
            let log = try FileLog.open(directory: dir.path)
            defer { log.close() }
            XCTAssertEqual(log.recovery.truncatedBytes, 0)
            XCTAssertNil(log.recovery.truncatedAt)
            XCTAssertEqual(log.durableEnd, offsets[9] + 108)
            try checkIntactAndAppendable(log, records: 10)
        }
        XCTAssertEqual(try fileSize(segment), records.count + 4096, "the prepared space stays allocated")
        XCTAssertTrue(LogVerifier.verify(directory: dir.path).isClean)
        let again = try FileLog.open(directory: dir.path)
        defer { again.close() }
        XCTAssertEqual(again.recovery.records, 11)
        XCTAssertEqual(again.recovery.truncatedBytes, 0)
    }

    /// A torn batch inside prepared space: its bytes are cut, the zeros after them with them.
    func testTornTailInsidePreallocatedSpaceIsCut() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        let bytes = try readFile(segment)
        let torn = Array(bytes.prefix(position(of: offsets[9]) + 40))
        try writeFile(segment, torn + [UInt8](repeating: 0, count: 4096 + bytes.count - torn.count))

        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(log.recovery.truncatedAt, offsets[9])
        XCTAssertEqual(log.recovery.truncatedBytes, 4096 + 108)
        try checkIntactAndAppendable(log, records: 9)
    }

    func testBitFlipFollowedByValidRecordsRefusesToOpen() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        var bytes = try readFile(segment)
        bytes[position(of: offsets[3]) + 8 + 17] ^= 0x01
        try writeFile(segment, bytes)

        let report = expectCorrupt { _ = try FileLog.open(directory: dir.path) }
        XCTAssertEqual(report?.offset, offsets[3])
        XCTAssertEqual(report?.position, position(of: offsets[3]))
        XCTAssertEqual(report?.segment, (segment as NSString).lastPathComponent)
        XCTAssertTrue(report?.reason.contains("valid record follows at offset \(offsets[4])") ?? false, report?.reason ?? "")
        XCTAssertEqual(try readFile(segment), bytes, "nothing was cut")
    }

    func testBitFlipInALengthFieldFollowedByValidRecordsRefusesToOpen() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        var bytes = try readFile(segment)
        bytes[position(of: offsets[5]) + 4] ^= 0x40  // length 100 becomes 36: the frame now ends mid-record
        try writeFile(segment, bytes)

        let report = expectCorrupt { _ = try FileLog.open(directory: dir.path) }
        XCTAssertEqual(report?.offset, offsets[5])
    }

    func testZeroedBlockInTheMiddleRefusesToOpen() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        var bytes = try readFile(segment)
        let start = position(of: offsets[2])
        for i in start..<(start + 300) { bytes[i] = 0 }
        try writeFile(segment, bytes)

        let report = expectCorrupt { _ = try FileLog.open(directory: dir.path) }
        XCTAssertEqual(report?.offset, offsets[2])
        XCTAssertTrue(report?.reason.contains("zeroed") ?? false, report?.reason ?? "")
        XCTAssertEqual(try readFile(segment), bytes)
    }

    func testDamageInASealedSegmentRefusesToOpenEvenAtItsEnd() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let options = FileLogOptions(segmentSize: 600)
        do {
            let log = try FileLog.open(directory: dir.path, options: options)
            defer { log.close() }
            for i in 0..<20 { _ = try log.appendAndWait([payload(i, size: 100)]) }
        }
        let segments = try dir.segments()
        XCTAssertGreaterThan(segments.count, 2)
        var bytes = try readFile(segments[0])
        bytes[bytes.count - 3] ^= 0x80  // inside the first segment's last record
        try writeFile(segments[0], bytes)

        let report = expectCorrupt { _ = try FileLog.open(directory: dir.path, options: options) }
        XCTAssertEqual(report?.segment, (segments[0] as NSString).lastPathComponent)
        XCTAssertEqual(report?.offset, UInt64(bytes.count - 24 - 108))
        XCTAssertTrue(report?.reason.contains("sealed segment") ?? false, report?.reason ?? "")
    }

    func testAMissingSegmentRefusesToOpen() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let options = FileLogOptions(segmentSize: 600)
        do {
            let log = try FileLog.open(directory: dir.path, options: options)
            defer { log.close() }
            for i in 0..<20 { _ = try log.appendAndWait([payload(i, size: 100)]) }
        }
        let segments = try dir.segments()
        try FileManager.default.removeItem(atPath: segments[1])
        let report = expectCorrupt { _ = try FileLog.open(directory: dir.path, options: options) }
        XCTAssertEqual(report?.segment, (segments[2] as NSString).lastPathComponent)
        XCTAssertTrue(report?.reason.contains("missing or overlapping") ?? false, report?.reason ?? "")
    }

    /// Twenty digits can name more than a UInt64: such a file is a segment name out of
    /// range, refused, not another file skipped while the log opens without it.
    func testASegmentNamedPastUInt64IsRefused() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try tenRecords(dir)
        try writeFile(dir.path + "/99999999999999999999.log", [1, 2, 3])
        let report = expectCorrupt { _ = try FileLog.open(directory: dir.path) }
        XCTAssertEqual(report?.segment, "99999999999999999999.log")
        XCTAssertTrue(report?.reason.contains("out of range") ?? false, report?.reason ?? "")
    }

    /// A zero length is never a record, whatever checksum sits beside it: the writer refuses
    /// empty payloads, so one framed that way at the tail is damage, cut as a torn tail.
    func testAZeroLengthFrameWithAChecksumIsNotARecord() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        // The checksum an empty payload would carry at the log's next offset, written there
        // (over preallocated zeros, if any).
        let next = offsets[9] + UInt64(RecordFrame.headerSize + 100)
        let crc = RecordFrame.checksum(offset: next, length: 0, payload: UnsafeRawBufferPointer(start: nil, count: 0))
        var frame = withUnsafeBytes(of: crc.littleEndian) { Array($0) }
        frame += [0, 0, 0, 0]
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: segment))
        handle.seek(toFileOffset: UInt64(SegmentHeader.size) + next)
        handle.write(Data(frame))
        try handle.close()
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(preallocate: false))
        defer { log.close() }
        XCTAssertEqual(log.recovery.records, 10)
        XCTAssertEqual(try readAll(log).count, 10)
    }

    func testLeftoverTemporarySegmentIsRemoved() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        _ = try tenRecords(dir)
        let stray = dir.path + "/00000000000000001080.log.tmp"
        try writeFile(stray, [1, 2, 3])
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(log.recovery.removedFiles, ["00000000000000001080.log.tmp"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: stray))
        XCTAssertEqual(log.recovery.records, 10)
    }

    func testOperatorTruncationAfterCorruptionLetsTheLogOpen() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let offsets = try tenRecords(dir)
        let segment = try dir.segments()[0]
        var bytes = try readFile(segment)
        bytes[position(of: offsets[3]) + 8 + 17] ^= 0x01
        try writeFile(segment, bytes)
        guard let report = expectCorrupt({ _ = try FileLog.open(directory: dir.path) }) else { return }

        // A boundary after the damage is refused: it would keep a bad record.
        XCTAssertNotNil(expectCorrupt { try FileLog.truncate(directory: dir.path, at: offsets[6]) })
        // So is an offset inside a record.
        XCTAssertThrowsError(try FileLog.truncate(directory: dir.path, at: offsets[2] + 1))
        // And one far past the end, which once trapped converting to Int.
        XCTAssertThrowsError(try FileLog.truncate(directory: dir.path, at: UInt64.max - 1))

        try FileLog.truncate(directory: dir.path, at: report.offset)
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(log.recovery.records, 3)
        XCTAssertEqual(log.durableEnd, offsets[3])
        try checkIntactAndAppendable(log, records: 3)
    }

    func testOperatorTruncationDropsLaterSegments() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let options = FileLogOptions(segmentSize: 600)
        var offsets: [UInt64] = []
        do {
            let log = try FileLog.open(directory: dir.path, options: options)
            defer { log.close() }
            for i in 0..<20 { offsets += try log.appendAndWait([payload(i, size: 100)]) }
        }
        let before = try dir.segments().count
        try FileLog.truncate(directory: dir.path, at: offsets[7])
        XCTAssertLessThan(try dir.segments().count, before)
        let log = try FileLog.open(directory: dir.path, options: options)
        defer { log.close() }
        XCTAssertEqual(try readAll(log).map(\.offset), Array(offsets.prefix(7)))
        XCTAssertEqual(try log.appendAndWait([payload(7, size: 100)]), [offsets[7]])
    }
}
