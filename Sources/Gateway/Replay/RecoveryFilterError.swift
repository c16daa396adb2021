/// A re-drive, remap or redelivery filter that cannot be used; the message names the filter
/// and what it accepts (the CLI prints it as a usage error, the endpoints answer it with 400).
public struct RecoveryFilterError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
