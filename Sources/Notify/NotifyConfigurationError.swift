/// A subscriber the notifier will not use, naming it and the reason (never a header value
/// or the URL, which may carry credentials).
public struct NotifyConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let subscriberID: String
    public let reason: String

    public var description: String { "subscriber \"\(subscriberID)\": \(reason)" }
}
