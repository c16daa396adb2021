/// One notification to one subscriber, as folded from its events.
public struct DeliveryRecord: Sendable, Equatable {
    public let id: String
    public let subscriberID: String
    public let notification: Notification
    public let plannedAt: Int64
    public internal(set) var status = DeliveryStatus.pending
    /// Attempts started, ever (attempt numbers keep counting across redeliveries).
    public internal(set) var attempts = 0
    /// Attempts since it was planned or last redelivered: the index into the retry schedule.
    public internal(set) var roundAttempts = 0
    public internal(set) var nextAttemptAt: Int64
    public internal(set) var lastAttemptAt: Int64?
    public internal(set) var lastError: String?
    public internal(set) var lastStatus: Int?
    public internal(set) var deliveredAt: Int64?
    /// Attempts numbered up to this one were started before the latest redelivery: their
    /// outcomes, recorded after it, are stale.
    public internal(set) var supersededThrough = 0

    init(id: String, subscriberID: String, notification: Notification, plannedAt: Int64) {
        self.id = id
        self.subscriberID = subscriberID
        self.notification = notification
        self.plannedAt = plannedAt
        self.nextAttemptAt = plannedAt
    }

    /// A delivered delivery as a journal that settled it reads it back: its plan and how
    /// many attempts it took (the rest of its attempts' details stay in the journal).
    public static func delivered(id: String, subscriberID: String, notification: Notification, plannedAt: Int64,
                                 attempts: Int) -> DeliveryRecord {
        var record = DeliveryRecord(id: id, subscriberID: subscriberID, notification: notification, plannedAt: plannedAt)
        record.status = .delivered
        record.attempts = attempts
        return record
    }

    public var isOpen: Bool { status == .pending || status == .inFlight }

    /// Which count of its subscriber it belongs to.
    var bucket: DeliveryCounts.Bucket {
        switch status {
        case .pending, .inFlight: return roundAttempts > 0 && lastError != nil ? .failing : .pending
        case .delivered: return .delivered
        case .failed: return .failed
        case .dead: return .dead
        }
    }

    mutating func started(attempt: Int, at: Int64) {
        if attempt > attempts {
            roundAttempts += 1
            attempts = attempt
        }
        status = .inFlight
        lastAttemptAt = at
    }

    mutating func finished(attempt: Int, at: Int64, status code: Int?, outcome: DeliveryOutcome) {
        if attempt > attempts {
            roundAttempts += 1
            attempts = attempt
        }
        if case .notSent(_, let next) = outcome {
            // Never sent: give the attempt number back so the schedule is not consumed.
            if attempt == attempts {
                attempts -= 1
                roundAttempts = max(0, roundAttempts - 1)
            }
            status = .pending
            nextAttemptAt = next
            return
        }
        lastStatus = code
        lastAttemptAt = at
        switch outcome {
        case .delivered:
            status = .delivered
            deliveredAt = at
            lastError = nil
        case .retrying(let error, let next):
            status = .pending
            nextAttemptAt = next
            lastError = error
        case .failed(let error):
            status = .failed
            lastError = error
        case .dead(let error):
            status = .dead
            lastError = error
        case .notSent:
            break
        }
    }

    mutating func redeliver(at: Int64) {
        supersededThrough = attempts
        status = .pending
        roundAttempts = 0
        nextAttemptAt = at
    }
}
