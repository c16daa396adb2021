/// One problem the route checker found, printed the way compilers print them.
public struct Diagnostic: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    /// 1-based.
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        "\(file):\(line): \(message)"
    }
}
