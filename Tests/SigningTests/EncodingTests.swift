import XCTest
import Signing

final class EncodingTests: XCTestCase {
    func testHexEncodesLowercase() {
        XCTAssertEqual(Hex.encode([]), "")
        XCTAssertEqual(Hex.encode([0x00, 0x0f, 0xa5, 0xff]), "000fa5ff")
    }

    func testHexDecodesEitherCase() {
        XCTAssertEqual(Hex.decode("000fa5ff"), [0x00, 0x0f, 0xa5, 0xff])
        XCTAssertEqual(Hex.decode("000FA5Ff"), [0x00, 0x0f, 0xa5, 0xff])
        XCTAssertEqual(Hex.decode(""), [])
    }

    func testHexRejectsOddLengthAndBadCharacters() {
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("0g"))
        XCTAssertNil(Hex.decode("0x12"))
        XCTAssertNil(Hex.decode(" 12"))
        XCTAssertNil(Hex.decode("１２"))  // full-width digits
    }

    /// RFC 4648 section 10.
    func testBase64RFC4648Vectors() {
        let vectors = [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
                       ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base64.encode(Array(plain.utf8)), encoded, plain)
            XCTAssertEqual(Base64.decode(encoded), Array(plain.utf8), encoded)
        }
    }

    /// One spelling per value: the bits the padding leaves unused must be zero ("Zg==" is
    /// "f"; "Zh==" used to decode to "f" too), so a signature has a single valid form.
    func testBase64RefusesNonZeroUnusedBits() {
        XCTAssertEqual(Base64.decode("Zg=="), Array("f".utf8))
        XCTAssertNil(Base64.decode("Zh=="))
        XCTAssertNil(Base64.decode("Zm9="))
        XCTAssertEqual(Base64.decode("Zm8="), Array("fo".utf8))
        for n in 0..<64 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes, "round trip of \(n) bytes")
        }
    }

    func testBase64UsesStandardAlphabet() {
        XCTAssertEqual(Base64.encode([0xfb, 0xff, 0xbf]), "+/+/")
        XCTAssertEqual(Base64.decode("+/+/"), [0xfb, 0xff, 0xbf])
    }

    func testBase64RoundTripsEveryLengthAndByte() {
        for length in 0..<70 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
            XCTAssertEqual(Base64.decode(Base64.encode(bytes)), bytes, "length \(length)")
        }
        let all = Array(UInt8.min...UInt8.max)
        XCTAssertEqual(Base64.decode(Base64.encode(all)), all)
    }

    func testBase64RejectsMalformedText() {
        XCTAssertNil(Base64.decode("Zg"))        // missing padding
        XCTAssertNil(Base64.decode("Zg="))       // short padding
        XCTAssertNil(Base64.decode("Z==="))      // too much padding
        XCTAssertNil(Base64.decode("Zm=v"))      // padding inside a group
        XCTAssertNil(Base64.decode("Zg==Zg=="))  // padding before the end
        XCTAssertNil(Base64.decode("Zm9v\n"))    // whitespace
        XCTAssertNil(Base64.decode("Zm9-"))      // URL-safe alphabet
        XCTAssertNil(Base64.decode("Zm9*"))
    }
}
