import Foundation
import XCTest
@testable import EventLog

/// Inputs the fuzz target `fuzz/log-record` found, replayed through the log's normal API.
final class FuzzRegressionTests: XCTestCase {
    private func makeDirectory(_ dir: TempDirectory) throws {
        try FileManager.default.createDirectory(atPath: dir.path, withIntermediateDirectories: true)
    }

    /// Minimised fuzz input: a segment whose file name (and header) give base offset
    /// 2^64 - 1, with 20 bytes after the header. Offsets are base + position, so the
    /// verifier trapped on an arithmetic overflow instead of reporting the file, and
    /// recovery would have trapped at the first record.
    func testSegmentBaseThatWouldOverflowOffsetsIsReportedNotTrapped() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try makeDirectory(dir)
        let base = UInt64.max
        let tail: [UInt8] = [0x00, 0xff, 0xff, 0xff, 0xff, 0x00] + [UInt8](repeating: 0xff, count: 14)
        let name = SegmentName.fileName(base: base)
        XCTAssertEqual(name, "18446744073709551615.log")
        try writeFile(dir.path + "/" + name, SegmentHeader(base: base).encoded() + tail)

        let report = LogVerifier.verify(directory: dir.path)
        XCTAssertFalse(report.isClean)
        XCTAssertTrue(report.damage.first?.reason.contains("out of range") == true, report.summary)

        XCTAssertThrowsError(try FileLog.open(directory: dir.path)) { error in
            guard case LogError.corrupt(let corruption) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(corruption.segment, name)
        }
        XCTAssertThrowsError(try FileLog.truncate(directory: dir.path, at: base))
        // Nothing was changed.
        XCTAssertEqual(try readFile(dir.path + "/" + name).count, SegmentHeader.size + tail.count)
    }

    func testLargestAllowedBaseStillOpens() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        try makeDirectory(dir)
        let base = SegmentListing.maxBase
        var bytes = SegmentHeader(base: base).encoded()
        RecordFrame.append([1, 2, 3], offset: base, to: &bytes)
        try writeFile(dir.path + "/" + SegmentName.fileName(base: base), bytes)

        XCTAssertTrue(LogVerifier.verify(directory: dir.path).isClean)
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(sync: .none))
        defer { log.close() }
        XCTAssertEqual(log.recovery.records, 1)
        XCTAssertEqual(try log.appendAndWait([[4]]), [base + 11])
    }
}
