import XCTest
@testable import EventLog

final class CRC32CTests: XCTestCase {
    func testCheckValue() {
        XCTAssertEqual(CRC32C.checksum(Array("123456789".utf8)), 0xE306_9283)
    }

    func testRFC3720Vectors() {
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0, count: 32)), 0x8A91_36AA)
        XCTAssertEqual(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)), 0x62A8_AB43)
        XCTAssertEqual(CRC32C.checksum((0..<32).map { UInt8($0) }), 0x46DD_794E)
        XCTAssertEqual(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }), 0x113F_DB5C)
    }

    func testEmptyInputIsZero() {
        XCTAssertEqual(CRC32C.checksum([]), 0)
    }

    /// Splitting input at every point exercises the 8-byte loop, the byte tail and
    /// the continuation rule together.
    func testIncrementalUpdateMatchesOneShot() {
        let bytes = payload(7, size: 67)
        let whole = CRC32C.checksum(bytes)
        for split in 0...bytes.count {
            let first = Array(bytes[..<split])
            let second = Array(bytes[split...])
            let crc = second.withUnsafeBytes { CRC32C.update(first.withUnsafeBytes { CRC32C.update(0, $0) }, $0) }
            XCTAssertEqual(crc, whole, "split at \(split)")
        }
    }

    func testUnalignedInput() {
        let bytes = Array("x123456789".utf8)
        let crc = bytes.withUnsafeBytes { CRC32C.update(0, UnsafeRawBufferPointer(rebasing: $0[1...])) }
        XCTAssertEqual(crc, 0xE306_9283)
    }
}
