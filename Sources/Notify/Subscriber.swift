/// A configured subscriber with its signing keys resolved. Keys are secrets: the
/// descriptions below say how many there are, never what they are, so a stray
/// `print(subscriber)` or string interpolation cannot leak one.
public struct Subscriber: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var config: SubscriberConfig
    /// Raw key bytes, newest first. Several during a rotation: every key signs each request.
    public var keys: [[UInt8]]

    public init(config: SubscriberConfig, keys: [[UInt8]]) {
        self.config = config
        self.keys = keys
    }

    public var id: String { config.id }

    public var description: String { "Subscriber(\(config.id), \(keys.count) key(s))" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["id": config.id, "keyCount": keys.count]) }
}
