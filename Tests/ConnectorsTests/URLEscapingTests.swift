import XCTest
@testable import Connectors

final class URLEscapingTests: XCTestCase {
    func testOnlyUnreservedCharactersStay() {
        XCTAssertEqual(URLEscaping.escape("Az09-._~"), "Az09-._~")
        XCTAssertEqual(URLEscaping.escape("a b/c+d@e?f&g=h%"), "a%20b%2Fc%2Bd%40e%3Ff%26g%3Dh%25")
        XCTAssertEqual(URLEscaping.escape("é\n"), "%C3%A9%0A")
        XCTAssertEqual(URLEscaping.query([("email[eq]", "a+b@c.io"), ("limit", "100")]), "email%5Beq%5D=a%2Bb%40c.io&limit=100")
    }
}
