import XCTest
import Signing

final class PrimitiveTests: XCTestCase {
    func testSHA256KnownAnswers() {
        XCTAssertEqual(SHA256Digest.hex(Array("abc".utf8)),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest.hex([]),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hash(Array("abc".utf8)).count, 32)
    }

    /// Parts are digested in turn, as if joined: the FIPS 180-2 two-block vector split three
    /// ways, and with empty parts among them.
    func testSHA256OfPartsIsTheDigestOfTheirJoin() {
        let message = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        let expected = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        XCTAssertEqual(Hex.encode(SHA256Digest.hash(parts: [Array(message[..<5]), Array(message[5..<40]), Array(message[40...])])), expected)
        XCTAssertEqual(Hex.encode(SHA256Digest.hash(parts: [[], message, []])), expected)
        XCTAssertEqual(Hex.encode(SHA256Digest.hash(parts: [message])), expected)
        XCTAssertEqual(SHA256Digest.hash(parts: [[], []]), SHA256Digest.hash([]))
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        XCTAssertTrue(ConstantTime.equals([], []))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equals([9, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equals([1, 2, 3], [1, 2]))
        XCTAssertFalse(ConstantTime.equals([1, 2], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equals([], [0]))
    }

    func testSecureRandomLengthsAndVariety() {
        XCTAssertEqual(SecureRandom.bytes(0), [])
        XCTAssertEqual(SecureRandom.bytes(1).count, 1)
        let a = SecureRandom.bytes(32)
        let b = SecureRandom.bytes(32)
        XCTAssertEqual(a.count, 32)
        // Equal 256-bit draws would mean the generator is broken, not unlucky.
        XCTAssertNotEqual(a, b)
        XCTAssertNotEqual(a, [UInt8](repeating: 0, count: 32))
    }
}
