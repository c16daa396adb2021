/// Why a route file's text is not JSON, and on which line the scanner gave up.
struct JSONScanError: Error, Sendable, Equatable {
    let message: String
    let line: Int
}
