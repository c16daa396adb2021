import Notify
import Routing

/// One delivery a redelivery would send again, as it stood before: printed by the offline
/// verb, answered as JSON by the running server and read back by `gatehouse redeliver --url`,
/// so all three show the same line.
public struct PlannedDelivery: Sendable, Equatable, CustomStringConvertible {
    public let deliveryID: String
    public let subscriberID: String
    public let type: String
    public let previousStatus: String
    public let attempts: Int

    public init(deliveryID: String, subscriberID: String, type: String, previousStatus: String, attempts: Int) {
        self.deliveryID = deliveryID
        self.subscriberID = subscriberID
        self.type = type
        self.previousStatus = previousStatus
        self.attempts = attempts
    }

    public init(_ record: DeliveryRecord) {
        self.init(deliveryID: record.id, subscriberID: record.subscriberID, type: record.notification.type,
                  previousStatus: record.status.rawValue, attempts: record.attempts)
    }

    /// The statuses a redelivery may pick (one in flight is being sent already).
    public static let selectable: [DeliveryStatus] = [.failed, .dead, .delivered, .pending]

    /// Parses status names as the CLI and the endpoint take them; the error says what is accepted.
    public static func statuses(_ names: [String]) throws(RecoveryFilterError) -> Set<DeliveryStatus> {
        let known = selectable.map(\.rawValue).joined(separator: ", ")
        guard !names.isEmpty else { throw RecoveryFilterError("status needs at least one of \(known)") }
        var statuses: Set<DeliveryStatus> = []
        for name in names {
            guard let status = DeliveryStatus(rawValue: name), selectable.contains(status) else {
                throw RecoveryFilterError("status \"\(name)\" is not a delivery status to redeliver (use \(known))")
            }
            statuses.insert(status)
        }
        return statuses
    }

    public var description: String { "\(deliveryID)  \(type)  was \(previousStatus)  attempts \(attempts)" }

    public var json: JSONValue {
        .object(["delivery_id": .string(deliveryID), "subscriber": .string(subscriberID), "type": .string(type),
                 "previous_status": .string(previousStatus), "attempts": .int(Int64(attempts))])
    }

    /// Reads `json` back; nil when a required field is missing.
    public init?(json: JSONValue) {
        guard case .string(let id)? = json[path: "delivery_id"], case .string(let subscriber)? = json[path: "subscriber"] else { return nil }
        var attempts = 0
        if case .int(let n)? = json[path: "attempts"] { attempts = Int(n) }
        self.init(deliveryID: id, subscriberID: subscriber, type: json[path: "type"]?.scalarText ?? "?",
                  previousStatus: json[path: "previous_status"]?.scalarText ?? "?", attempts: attempts)
    }
}
