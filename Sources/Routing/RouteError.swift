/// Why a route file's rules could not be loaded.
public struct RouteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problem and where (`unknown filter 'lowr' in rules[0].actions[1].body.email`).
    public let message: String
    /// Known when the rules were read from text rather than an already parsed document.
    public let line: Int?

    public init(message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String {
        line.map { "line \($0): \(message)" } ?? message
    }
}
