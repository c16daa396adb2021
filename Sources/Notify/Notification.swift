import Routing
import Signing

/// Something the gateway did, told to subscribers. `data` carries the source, event id,
/// route, action, ids an API returned and error text: never a secret, since it is sent to
/// every matching subscriber and kept in the log.
public struct Notification: Sendable, Equatable {
    /// `ntf_...`, stable: the same notification published twice is delivered once.
    public var id: String
    /// Dotted type, matched against subscribers' patterns (`action.succeeded`).
    public var type: String
    /// Unix milliseconds of what happened (not of the delivery).
    public var timestamp: Int64
    public var data: JSONValue {
        didSet { encodedData = nil }
    }
    /// `data` as compact JSON, filled in once when the notification is published (or read
    /// back from the journal), so neither the request body nor each subscriber's `planned`
    /// event serialises it again. Not part of equality.
    var encodedData: [UInt8]?

    public init(id: String = Notification.newID(), type: String, timestamp: Int64, data: JSONValue) {
        self.id = id
        self.type = type
        self.timestamp = timestamp
        self.data = data
    }

    /// `data` as compact JSON (sorted keys).
    var dataJSON: [UInt8] { encodedData ?? data.serialized() }

    public static func == (a: Notification, b: Notification) -> Bool {
        a.id == b.id && a.type == b.type && a.timestamp == b.timestamp && a.data == b.data
    }

    /// `ntf_` and 26 base32 characters of randomness (128 bits): unguessable and URL-safe.
    public static func newID() -> String {
        "ntf_" + Base32.lowercase(SecureRandom.bytes(16))
    }
}
