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

final class CRC32CHardwareTests: XCTestCase {
    /// The instruction and the table-driven loop must agree on every length and alignment,
    /// or a log written on one machine would read as corrupt on another.
    func testHardwareAndPortableFormsAgree() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 7, 8, 9, 15, 16, 63, 64, 1000, 4099] {
            let bytes = (0..<(length + 3)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for shift in 0..<3 {
                bytes.withUnsafeBytes { raw in
                    let window = UnsafeRawBufferPointer(rebasing: raw[shift..<(shift + length)])
                    let seed = UInt32.random(in: 0...UInt32.max, using: &generator)
                    XCTAssertEqual(CRC32C.update(seed, window), CRC32C.portableUpdate(seed, window), "length \(length), shift \(shift)")
                }
            }
        }
    }
}
