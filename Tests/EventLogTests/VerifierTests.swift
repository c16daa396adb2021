import Foundation
import XCTest
@testable import EventLog

final class VerifierTests: XCTestCase {
    func testACleanLogVerifiesClean() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: 1000))
        for i in 0..<30 { _ = try log.appendAndWait([payload(i, size: 100)]) }
        log.close()
        let report = LogVerifier.verify(directory: dir.path)
        XCTAssertTrue(report.isClean, report.summary)
        XCTAssertEqual(report.records, 30)
        XCTAssertEqual(report.segments, try dir.segments().count)
        XCTAssertEqual(report.bytes, UInt64(try dir.segments().map(fileSize).reduce(0, +)))
    }

    func testEveryDamageIsListedAndNothingIsModified() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        // Not preallocated: the torn tail below is cut from the file's real end.
        let options = FileLogOptions(segmentSize: 1200, preallocate: false)
        var offsets: [UInt64] = []
        do {
            let log = try FileLog.open(directory: dir.path, options: options)
            defer { log.close() }
            for i in 0..<30 { offsets += try log.appendAndWait([payload(i, size: 100)]) }
        }
        let segments = try dir.segments()
        XCTAssertEqual(segments.count, 3)
        let names = segments.map { ($0 as NSString).lastPathComponent }
        let bases = names.map { UInt64($0.dropLast(4))! }

        // Segment 0: a bit flip in record 2. Segment 1: a zeroed record. Segment 2: a torn tail.
        var first = try readFile(segments[0])
        first[position(of: offsets[2]) + 50] ^= 0x04
        try writeFile(segments[0], first)
        var second = try readFile(segments[1])
        let zeroed = position(of: offsets[13], base: bases[1])
        for i in zeroed..<(zeroed + 108) { second[i] = 0 }
        try writeFile(segments[1], second)
        let third = Array(try readFile(segments[2]).dropLast(30))
        try writeFile(segments[2], third)
        let before = try segments.map(readFile)

        let report = LogVerifier.verify(directory: dir.path)
        XCTAssertEqual(report.damage.count, 3, report.summary)
        XCTAssertEqual(report.damage.map(\.segment), names)
        XCTAssertEqual(report.damage.map(\.offset), [offsets[2], offsets[13], offsets[29]])
        XCTAssertTrue(report.damage[0].reason.contains("CRC mismatch"), report.damage[0].reason)
        XCTAssertTrue(report.damage[1].reason.contains("zeroed"), report.damage[1].reason)
        XCTAssertTrue(report.damage[2].reason.contains("torn tail"), report.damage[2].reason)
        XCTAssertEqual(report.records, 27)
        XCTAssertTrue(report.summary.hasSuffix("3 damaged region(s)"), report.summary)
        XCTAssertTrue(report.damage[1].description.hasPrefix(names[1] + " at offset \(offsets[13])"), report.damage[1].description)
        XCTAssertEqual(try segments.map(readFile), before, "the verifier never writes")
    }

    func testAMissingSegmentIsListed() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let log = try FileLog.open(directory: dir.path, options: FileLogOptions(segmentSize: 600))
        for i in 0..<20 { _ = try log.appendAndWait([payload(i, size: 100)]) }
        log.close()
        try FileManager.default.removeItem(atPath: try dir.segments()[1])
        let report = LogVerifier.verify(directory: dir.path)
        XCTAssertEqual(report.damage.count, 1, report.summary)
        XCTAssertTrue(report.damage[0].reason.contains("previous one ends"), report.damage[0].reason)
    }
}
