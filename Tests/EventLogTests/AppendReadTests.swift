import Foundation
import Glibc
import XCTest
@testable import EventLog

final class AppendReadTests: XCTestCase {
    func testAppendThenReopenReadsEverythingInOrder() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var written: [[UInt8]] = []
        var offsets: [UInt64] = []
        do {
            let log = try FileLog.open(directory: dir.path)
            XCTAssertEqual(log.durableEnd, 0)
            for chunk in 0..<20 {
                let payloads = (0..<(chunk % 4 + 1)).map { payload(chunk * 10 + $0, size: 1 + ($0 * 37 + chunk * 11) % 300) }
                offsets += try log.appendAndWait(payloads)
                written += payloads
            }
            XCTAssertEqual(offsets.first, 0)
            XCTAssertEqual(log.durableEnd, offsets.last! + 8 + UInt64(written.last!.count))
            log.close()
        }
        XCTAssertTrue(written.contains { $0.count == 1 }, "a one-byte payload is part of the test")
        XCTAssertEqual(Set(offsets).count, offsets.count)
        XCTAssertEqual(offsets, offsets.sorted())

        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(log.recovery.records, written.count)
        XCTAssertEqual(log.recovery.truncatedBytes, 0)
        XCTAssertNil(log.recovery.truncatedAt)
        let records = try readAll(log)
        XCTAssertEqual(records.map(\.offset), offsets)
        XCTAssertEqual(records.map(\.payload), written)
        XCTAssertEqual(log.durableEnd, offsets.last! + 8 + UInt64(written.last!.count))
    }

    /// Eight zero bytes must never pass for a record (segments end in preallocated zeros),
    /// and an empty payload is the only one that could frame that way.
    func testAnEmptyPayloadIsRefusedAndNothingOfItsAppendIsWritten() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertThrowsError(try log.appendAndWait([payload(1, size: 10), []])) { error in
            XCTAssertEqual(error as? LogError, .emptyRecord)
        }
        XCTAssertEqual(log.durableEnd, 0)
        XCTAssertEqual(try log.appendAndWait([payload(2, size: 10)]), [0])
    }

    func testEmptyAppendSucceedsWithoutWriting() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(try log.appendAndWait([]), [])
        XCTAssertEqual(log.durableEnd, 0)
    }

    func testSegmentsRollOverAndReadsCrossThemFromAMidOffset() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let options = FileLogOptions(segmentSize: 1024, maxRecordSize: 4096)
        var offsets: [UInt64] = []
        let log = try FileLog.open(directory: dir.path, options: options)
        for i in 0..<200 {
            offsets += try log.appendAndWait([payload(i, size: 100)])
        }
        // A record larger than a segment still goes in, alone in its segment.
        let big = try log.appendAndWait([payload(999, size: 3000)])
        let after = try log.appendAndWait([payload(1000, size: 10)])
        XCTAssertEqual(offsets, offsets.sorted())

        let stats = log.stats()
        let files = try dir.segments()
        XCTAssertEqual(stats.segments, files.count)
        XCTAssertGreaterThan(files.count, 20)
        for file in files.dropLast() {
            XCTAssertLessThanOrEqual(try fileSize(file), 3000 + 24 + 8)
        }
        // Segment names are their base offsets: each begins where the previous ended.
        let bases = files.map { UInt64(($0 as NSString).lastPathComponent.dropLast(4))! }
        XCTAssertEqual(bases.first, 0)
        for i in 0..<(files.count - 1) {
            XCTAssertEqual(bases[i + 1], bases[i] + UInt64(try fileSize(files[i]) - 24))
        }
        XCTAssertTrue(bases.contains(big[0]), "the oversized record starts a new segment")
        XCTAssertTrue(bases.contains(after[0]), "and the next record starts another")

        func check(_ log: FileLog) throws {
            let fromMid = try readAll(log, from: offsets[57])
            XCTAssertEqual(fromMid.first?.offset, offsets[57])
            XCTAssertEqual(fromMid.count, 200 - 57 + 2)
            XCTAssertEqual(fromMid[0].payload, payload(57, size: 100))
            XCTAssertEqual(fromMid[142].payload, payload(199, size: 100))
            XCTAssertEqual(fromMid[143].payload, payload(999, size: 3000))

            let insideRecord = try readAll(log, from: offsets[57] + 3)
            XCTAssertEqual(insideRecord.first?.offset, offsets[58])

            XCTAssertTrue(try readAll(log, from: log.durableEnd).isEmpty)
            XCTAssertTrue(try readAll(log, from: log.durableEnd + 1000).isEmpty)

            var seen = 0
            try log.read(from: offsets[10]) { _ in seen += 1; return seen < 5 }
            XCTAssertEqual(seen, 5, "returning false stops the visit")
        }
        try check(log)
        log.close()
        let reopened = try FileLog.open(directory: dir.path, options: options)
        defer { reopened.close() }
        XCTAssertEqual(reopened.recovery.segments, files.count)
        XCTAssertEqual(reopened.recovery.records, 202)
        try check(reopened)
    }

    /// Readers far into a big segment start from the sparse index, not the header,
    /// and must land on exactly the right records either way.
    /// `readRecords` takes ascending offsets; one from an earlier segment after a later one
    /// (a damaged snapshot's history chain, say) is refused as corrupt instead of trapping.
    func testReadRecordsRefusesOffsetsOutOfOrderAcrossSegments() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: 1024, maxRecordSize: 4096))
        defer { log.close() }
        var offsets: [UInt64] = []
        for i in 0..<30 { offsets += try log.appendAndWait([payload(i, size: 100)]) }
        XCTAssertGreaterThan(log.stats().segments, 2)
        var seen: [UInt64] = []
        try log.readRecords(at: [offsets[0], offsets[29]]) { offset, _ in seen.append(offset) }
        XCTAssertEqual(seen, [offsets[0], offsets[29]])
        XCTAssertThrowsError(try log.readRecords(at: [offsets[29], offsets[0]]) { _, _ in }) { error in
            guard case LogError.corrupt(let report)? = error as? LogError else { return XCTFail("\(error)") }
            XCTAssertTrue(report.reason.contains("ascending"), report.reason)
        }
    }

    func testReadsFromManyOffsetsInOneLargeSegment() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        var offsets: [UInt64] = []
        for batch in 0..<40 {
            offsets += try log.appendAndWait((0..<50).map { payload(batch * 50 + $0, size: 200) })
        }
        XCTAssertEqual(log.stats().segments, 1)
        for i in stride(from: 0, to: offsets.count, by: 97) {
            var first: LogRecord?
            try log.read(from: offsets[i]) { first = $0; return false }
            XCTAssertEqual(first?.offset, offsets[i])
            XCTAssertEqual(first?.payload, payload(i, size: 200))
        }
    }

    func testRecordTooLargeFailsWithoutTouchingTheFile() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(maxRecordSize: 1000))
        defer { log.close() }
        _ = try log.appendAndWait([payload(1, size: 1000)])
        let end = log.durableEnd
        let size = try fileSize(try dir.segments()[0])
        XCTAssertThrowsError(try log.appendAndWait([payload(2, size: 10), payload(3, size: 1001)])) { error in
            XCTAssertEqual(error as? LogError, .recordTooLarge(1001))
        }
        XCTAssertEqual(log.durableEnd, end)
        XCTAssertEqual(try fileSize(try dir.segments()[0]), size)
        XCTAssertEqual(try readAll(log).count, 1)
    }

    func testCloseFlushesQueuedAppendsAndIsIdempotent() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var options = FileLogOptions()
        options.beforeBatch = { usleep(5_000) }
        options.maxBatchRecords = 16
        let log = try FileLog.open(directory: dir.path, options: options)
        let outcomes = Shared<[Int: UInt64]>([:])
        for i in 0..<300 {
            log.append([payload(i, size: 64)]) { result in
                if case .success(let offsets) = result { outcomes.update { $0[i] = offsets[0] } }
            }
        }
        XCTAssertGreaterThan(log.stats().queueDepth, 0, "the slowed writer leaves work queued at close")
        log.close()
        XCTAssertEqual(outcomes.current.count, 300, "every queued append completed before close returned")
        log.close()

        let late = Shared<LogError?>(nil)
        log.append([payload(0, size: 1)]) { result in
            if case .failure(let error) = result { late.update { $0 = error } }
        }
        XCTAssertEqual(late.current, .closed)
        XCTAssertThrowsError(try log.appendAndWait([[1]])) { XCTAssertEqual($0 as? LogError, .closed) }

        let reopened = try FileLog.open(directory: dir.path)
        defer { reopened.close() }
        let records = try readAll(reopened)
        XCTAssertEqual(records.count, 300)
        XCTAssertEqual(Set(records.map(\.offset)), Set(outcomes.current.values))
    }

    func testDroppingTheLastReferenceClosesTheLog() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let done = Shared(0)
        do {
            let log = try FileLog.open(directory: dir.path)
            for i in 0..<50 {
                log.append([payload(i, size: 10)]) { _ in done.update { $0 += 1 } }
            }
        }
        XCTAssertEqual(done.current, 50)
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        XCTAssertEqual(try readAll(log).count, 50)
    }

    func testFolderAndFilePermissions() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let nested = dir.path + "/data/events"
        let log = try FileLog.open(directory: nested, options: FileLogOptions(segmentSize: 256))
        defer { log.close() }
        for i in 0..<10 { _ = try log.appendAndWait([payload(i, size: 100)]) }
        func mode(_ path: String) -> mode_t {
            var info = stat()
            XCTAssertEqual(stat(path, &info), 0, path)
            return info.st_mode & 0o777
        }
        XCTAssertEqual(mode(nested), 0o700)
        XCTAssertEqual(mode(dir.path + "/data"), 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: nested)
        XCTAssertGreaterThan(files.count, 3)
        for file in files {
            XCTAssertEqual(mode(nested + "/" + file), 0o600, file)
        }
    }

    func testASecondOpenOfTheSameDirectoryIsRefused() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        XCTAssertThrowsError(try FileLog.open(directory: dir.path)) { error in
            guard case .io(_, let code)? = error as? LogError else { return XCTFail("\(error)") }
            XCTAssertEqual(code, EWOULDBLOCK)
        }
        log.close()
        let again = try FileLog.open(directory: dir.path)
        again.close()
    }

    func testStatsDescribeTheLog() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path)
        defer { log.close() }
        for i in 0..<10 { _ = try log.appendAndWait([payload(i, size: 100), payload(i + 1, size: 100)]) }
        let stats = log.stats()
        XCTAssertEqual(stats.recordsAppended, 20)
        XCTAssertEqual(stats.batches, 10)
        XCTAssertEqual(stats.averageGroupSize, 2)
        XCTAssertEqual(stats.durableEnd, 20 * 108)
        XCTAssertEqual(stats.bytes, 24 + 20 * 108)
        XCTAssertEqual(stats.queueDepth, 0)
        XCTAssertNotNil(stats.fsyncP50Micros)
        XCTAssertGreaterThanOrEqual(stats.fsyncP99Micros!, stats.fsyncP50Micros!)
        XCTAssertNil(stats.lastError)
    }
}
