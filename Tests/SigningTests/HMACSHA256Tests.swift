import XCTest
import Signing

/// RFC 4231 test cases for HMAC-SHA-256 (case 5 is a truncated tag and is skipped).
final class HMACSHA256Tests: XCTestCase {
    struct Vector {
        let name: String
        let key: [UInt8]
        let data: [UInt8]
        let expected: String
    }

    static let largeKey = [UInt8](repeating: 0xaa, count: 131)

    static let vectors: [Vector] = [
        Vector(name: "case 1", key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
               expected: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(name: "case 2", key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
               expected: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(name: "case 3", key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
               expected: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Vector(name: "case 4", key: Array(0x01...0x19), data: [UInt8](repeating: 0xcd, count: 50),
               expected: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Vector(name: "case 6", key: largeKey,
               data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
               expected: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(name: "case 7", key: largeKey,
               data: Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                            + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
               expected: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ]

    func testOneShotMatchesRFC4231() {
        for vector in Self.vectors {
            let tag = HMACSHA256.authenticate(vector.data, key: vector.key)
            XCTAssertEqual(Hex.encode(tag), vector.expected, vector.name)
        }
    }

    func testStreamingMatchesRFC4231WhateverTheSplit() {
        for vector in Self.vectors {
            XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(parts: [vector.data], key: vector.key)),
                           vector.expected, "\(vector.name) whole")
            for cut in [0, 1, vector.data.count / 2, vector.data.count] {
                let parts = [Array(vector.data[..<cut]), [], Array(vector.data[cut...])]
                XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(parts: parts, key: vector.key)),
                               vector.expected, "\(vector.name) cut at \(cut)")
            }
        }
    }

    func testPreparedKeyMatchesRFC4231WhateverTheSplit() {
        for vector in Self.vectors {
            let key = HMACSHA256Key(vector.key)
            for cut in [0, 1, vector.data.count / 2, vector.data.count] {
                let parts = [Array(vector.data[..<cut]), [], Array(vector.data[cut...])]
                XCTAssertEqual(Hex.encode(key.authenticate(parts: parts)), vector.expected, "\(vector.name) cut at \(cut)")
            }
            // Reusing the prepared key must not carry state from one tag to the next.
            XCTAssertEqual(Hex.encode(key.authenticate(parts: [vector.data])), vector.expected, "\(vector.name) again")
        }
        for length in [0, 1, 32, 63, 64, 65, 200] {
            let raw = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
            let message = Array("message".utf8)
            XCTAssertEqual(HMACSHA256Key(raw).authenticate(parts: [message]), HMACSHA256.authenticate(message, key: raw), "key of \(length) bytes")
        }
    }

    func testEmptyKeyAndMessageAgreeAcrossBothForms() {
        // Empty arrays may have no storage; both paths must still give HMAC(empty, empty).
        let expected = "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"
        XCTAssertEqual(Hex.encode(HMACSHA256.authenticate([], key: [])), expected)
        XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(parts: [], key: [])), expected)
        XCTAssertEqual(Hex.encode(HMACSHA256.authenticate(parts: [[], []], key: [])), expected)
    }

    func testDifferentKeysGiveDifferentTags() {
        let message = Array("payload".utf8)
        XCTAssertNotEqual(HMACSHA256.authenticate(message, key: [1]), HMACSHA256.authenticate(message, key: [2]))
        XCTAssertEqual(HMACSHA256.authenticate(message, key: [1]).count, HMACSHA256.byteCount)
    }

    func testConcurrentStreamingIsConsistent() async {
        let vector = Self.vectors[1]
        let results = await withTaskGroup(of: String.self) { group in
            for _ in 0..<64 {
                group.addTask { Hex.encode(HMACSHA256.authenticate(parts: [vector.data], key: vector.key)) }
            }
            return await group.reduce(into: [String]()) { $0.append($1) }
        }
        XCTAssertEqual(results.count, 64)
        XCTAssertTrue(results.allSatisfy { $0 == vector.expected })
    }
}
