import Foundation
import Glibc
import XCTest
@testable import EventLog

/// Segments prepared zero-filled ahead of need: appends go into them, sealed segments still
/// end at their last record, and a crash image (the files as they stand while the log is
/// open) recovers every acknowledged record with the prepared space kept.
final class PreallocationTests: XCTestCase {
    private let segmentSize = 16 << 10

    /// Appends one record at a time until `done` holds, giving the preparer time between them.
    private func append(_ log: FileLog, from first: Int, until done: () throws -> Bool,
                        size: Int = 500, timeout: TimeInterval = 20) throws -> [UInt64] {
        var offsets: [UInt64] = []
        var i = first
        let deadline = Date().addingTimeInterval(timeout)
        while try !done() {
            guard Date() < deadline else { throw PreparerTimeout(appends: i - first) }
            offsets += try log.appendAndWait([payload(i, size: size)])
            i += 1
            if i % 8 == 0 { usleep(2_000) }
        }
        return offsets
    }

    private func lastSegmentIsPrepared(_ dir: TempDirectory, _ log: FileLog) throws -> Bool {
        guard let last = try dir.segments().last, try dir.segments().count > 1 else { return false }
        let base = UInt64((last as NSString).lastPathComponent.dropLast(4))!
        return try fileSize(last) == segmentSize && log.durableEnd - base + 24 < UInt64(segmentSize)
    }

    func testRollsGoIntoPreparedFilesAndSealedSegmentsEndAtTheirLastRecord() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        var offsets: [UInt64] = []
        do {
            let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: segmentSize))
            defer { log.close() }
            offsets = try append(log, from: 0) { try lastSegmentIsPrepared(dir, log) }
            offsets += try append(log, from: offsets.count) { offsets.count >= 20 }
            offsets += try log.appendAndWait([payload(offsets.count, size: 500)])
            XCTAssertTrue(try lastSegmentIsPrepared(dir, log) || dir.segments().count > 2)
        }
        let segments = try dir.segments()
        XCTAssertGreaterThan(segments.count, 1)
        for (sealed, next) in zip(segments, segments.dropFirst()) {
            let base = UInt64((sealed as NSString).lastPathComponent.dropLast(4))!
            let nextBase = UInt64((next as NSString).lastPathComponent.dropLast(4))!
            XCTAssertEqual(try fileSize(sealed), 24 + Int(nextBase - base), "\(sealed) ends at its last record")
        }
        XCTAssertTrue(LogVerifier.verify(directory: dir.path).isClean)

        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: segmentSize))
        defer { log.close() }
        XCTAssertEqual(log.recovery.records, offsets.count)
        XCTAssertEqual(log.recovery.truncatedBytes, 0)
        XCTAssertEqual(log.recovery.removedFiles, [], "the prepared file left by the stop goes without a mention")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/" + SegmentPreparer.fileName))
        let records = try readAll(log)
        XCTAssertEqual(records.map(\.offset), offsets)
        XCTAssertTrue(records.enumerated().allSatisfy { $0.element.payload == payload($0.offset, size: 500) })
    }

    /// The files as a power cut would leave them (the page cache written, nothing closed):
    /// every acknowledged record is there, nothing is cut, and appends go on in the zeros.
    func testACrashImageOfAPreparedSegmentRecoversEveryAcknowledgedRecord() throws {
        let dir = try TempDirectory()
        let image = try TempDirectory()
        defer { dir.remove(); image.remove() }
        let options = FileLogOptions(segmentSize: segmentSize)
        let log = try FileLog.open(directory: dir.path, options: options)
        var offsets = try append(log, from: 0) { try lastSegmentIsPrepared(dir, log) }
        offsets += try log.appendAndWait((0..<5).map { payload(offsets.count + $0, size: 500) })
        try FileManager.default.copyItem(atPath: dir.path, toPath: image.path)
        log.close()
        try? FileManager.default.removeItem(atPath: image.path + "/LOCK")

        let recovered = try FileLog.open(directory: image.path, options: options)
        defer { recovered.close() }
        XCTAssertEqual(recovered.recovery.records, offsets.count)
        XCTAssertEqual(recovered.recovery.truncatedBytes, 0)
        XCTAssertEqual(try fileSize(try image.segments().last!), segmentSize, "the prepared space is kept")
        let next = try recovered.appendAndWait([payload(offsets.count, size: 500)])
        XCTAssertEqual(next, [recovered.durableEnd - 508])
        XCTAssertEqual(try readAll(recovered).map(\.offset), offsets + next)
    }

    /// A new log's first segment is not prepared; once it is busy, the writer leaves it for a
    /// prepared one early instead of growing it to the full segment size.
    func testABusyFirstSegmentMovesEarlyToAPreparedOne() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let size = 4 << 20
        let options = FileLogOptions(segmentSize: size)
        let log = try FileLog.open(directory: dir.path, options: options)
        defer { log.close() }
        let offsets = try append(log, from: 0, until: { try dir.segments().count == 2 }, size: 8 << 10)
        let segments = try dir.segments()
        let firstSize = try fileSize(segments[0])
        XCTAssertGreaterThanOrEqual(firstSize - 24, LogWriter.earlyRollBytes)
        XCTAssertLessThan(firstSize, size, "left before it was full")
        XCTAssertEqual(try fileSize(segments[1]), size)
        XCTAssertEqual(try readAll(log).map(\.offset), offsets)
    }

    /// A write that failed and whose cut-back failed too leaves bytes past the segment's last
    /// record. A roll (here the early one, which starts a batch with nothing to flush) must
    /// cut them before sealing the segment, or the next open refuses the log. (Found in review.)
    func testARollAfterAFailedCutBackSealsTheSegmentAtItsLastRecord() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let failing = Shared(false)
        var options = FileLogOptions(segmentSize: 4 << 20)
        options.injectFault = { step in
            guard failing.current else { return nil }
            return step == "write" ? ENOSPC : step == "truncate" ? EIO : nil
        }
        var durable: [UInt64] = []
        do {
            let log = try FileLog.open(directory: dir.path, options: options)
            defer { log.close() }
            // Past 1 MiB in the unprepared first segment: the next one is prepared.
            durable += try log.appendAndWait((0..<130).map { payload($0, size: 8 << 10) })
            failing.update { $0 = true }
            XCTAssertThrowsError(try log.appendAndWait([payload(999, size: 20_000)]))
            failing.update { $0 = false }
            // The very next batch must be the early roll (any other batch would trim first):
            // wait until the prepared file is whole.
            let prepared = dir.path + "/" + SegmentPreparer.fileName
            let deadline = Date().addingTimeInterval(30)
            while ((try? fileSize(prepared)) ?? 0) < options.segmentSize && Date() < deadline { usleep(10_000) }
            usleep(300_000)
            durable += try log.appendAndWait([payload(1000, size: 100)])
            XCTAssertEqual(try dir.segments().count, 2, "rolled early")
        }
        let segments = try dir.segments()
        let secondBase = UInt64((segments[1] as NSString).lastPathComponent.dropLast(4))!
        XCTAssertEqual(try fileSize(segments[0]), 24 + Int(secondBase), "the sealed segment ends at its last record")
        let report = LogVerifier.verify(directory: dir.path)
        XCTAssertTrue(report.isClean, report.summary)
        let log = try FileLog.open(directory: dir.path, options: options)
        defer { log.close() }
        XCTAssertEqual(try readAll(log).map(\.offset), durable)
    }

    /// A preparation reuses the cached pages of a sealed segment only once the log's cached
    /// reader has passed it: before that every segment stays cached; after it the oldest
    /// leaves the cache and the ones the reader has yet to finish stay.
    func testPreparationsRecycleTheCacheOfSegmentsTheReaderHasPassed() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: segmentSize))
        defer { log.close() }
        var appended = try append(log, from: 0) { try dir.segments().count >= 4 }.count
        let segments = try dir.segments()
        XCTAssertGreaterThan(try residentPages(segments[0]), 0, "nothing recycled before the reader reports")
        XCTAssertEqual(log.stats().segmentsRecycled, 0)

        let secondBase = UInt64((segments[1] as NSString).lastPathComponent.dropLast(4))!
        log.readersPassed(secondBase)
        // Two more rolls: the preparations after the report have run.
        appended += try append(log, from: appended) { try dir.segments().count >= 6 }.count
        let deadline = Date().addingTimeInterval(10)
        while try residentPages(segments[0]) > 0, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(try residentPages(segments[0]), 0, "the segment the reader passed is out of the page cache")
        XCTAssertGreaterThan(try residentPages(segments[1]), 0, "the segment the reader is in stays cached")
        XCTAssertGreaterThan(try residentPages(segments[2]), 0)
        XCTAssertEqual(log.stats().segmentsRecycled, 1, "only the passed segment was handed over")
        XCTAssertEqual(try readAll(log).count, appended, "every record still reads back")
    }

    /// Segments that recovery read at open are cached as well: once the reader reports,
    /// the preparations after it reuse their pages too.
    func testPreparationsRecycleTheCacheOfSegmentsRecoveryRead() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let options = FileLogOptions(segmentSize: segmentSize)
        var appended = 0
        do {
            let log = try FileLog.open(directory: dir.path, options: options)
            defer { log.close() }
            appended = try append(log, from: 0) { try dir.segments().count >= 4 }.count
        }
        let log = try FileLog.open(directory: dir.path, options: options)
        defer { log.close() }
        let recovered = try dir.segments()
        XCTAssertGreaterThan(try residentPages(recovered[0]), 0, "recovery read the oldest segment")
        log.releaseRecoveryMappings()  // as the gateway does once its start's fold is done
        log.readersPassed(log.durableEnd)
        appended += try append(log, from: appended) { try dir.segments().count >= recovered.count + 2 }.count
        let deadline = Date().addingTimeInterval(10)
        while try residentPages(recovered[0]) > 0, Date() < deadline { usleep(10_000) }
        XCTAssertEqual(try residentPages(recovered[0]), 0, "the oldest recovered segment is out of the page cache")
        XCTAssertGreaterThanOrEqual(log.stats().segmentsRecycled, 1)
        XCTAssertEqual(try readAll(log).count, appended, "every record still reads back")
    }

    /// How many of the file's pages are in the page cache; mapping a file reads nothing.
    private func residentPages(_ path: String) throws -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        let size = try fileSize(path)
        guard let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        defer { munmap(map, size) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var residency = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
        guard mincore(map, size, &residency) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return residency.filter { $0 & 1 == 1 }.count
    }

    func testWithoutPreallocationFilesHoldExactlyTheirRecords() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: segmentSize, preallocate: false))
        for i in 0..<100 { _ = try log.appendAndWait([payload(i, size: 500)]) }
        usleep(50_000)
        let last = try XCTUnwrap(try dir.segments().last)
        let base = UInt64((last as NSString).lastPathComponent.dropLast(4))!
        XCTAssertEqual(try fileSize(last), 24 + Int(log.durableEnd - base))
        log.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.path + "/" + SegmentPreparer.fileName))
    }
}

private struct PreparerTimeout: Error, CustomStringConvertible {
    let appends: Int
    var description: String { "the awaited segment layout never came after \(appends) appends" }
}
