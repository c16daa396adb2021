/// One verb of the `gatehouse` tool.
protocol Command: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    static var options: Set<String> { get }
    static var flags: Set<String> { get }
    /// Runs the verb; the result is the process exit status.
    static func run(_ arguments: Arguments) throws -> Int32
}
