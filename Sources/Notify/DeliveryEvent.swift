/// Every state change of delivery, for the gateway's log; `DeliveryState` is their fold.
/// Times are unix milliseconds.
public enum DeliveryEvent: Sendable, Equatable {
    /// Durable before any attempt: the notification is copied in, so a restart can send it.
    case planned(deliveryID: String, subscriberID: String, notification: Notification, at: Int64)
    /// Durable before the request leaves.
    case attemptStarted(deliveryID: String, attempt: Int, at: Int64)
    case attemptFinished(deliveryID: String, attempt: Int, at: Int64, status: Int?, latencyMs: Int64, outcome: DeliveryOutcome)
    case subscriberDisabled(subscriberID: String, reason: String, at: Int64)
    case subscriberEnabled(subscriberID: String, at: Int64)
    case circuitOpened(subscriberID: String, at: Int64, until: Int64)
    case circuitClosed(subscriberID: String, at: Int64)
    /// An operator asked for a finished delivery to be sent again: it is due at `at` and its
    /// retry schedule starts over (attempt numbers keep counting). The notification travels
    /// along, so a journal that kept only a delivered delivery's outline (the gateway settles
    /// them) can open it again; older records carry none.
    case redeliveryRequested(deliveryID: String, at: Int64, notification: Notification?)

    public var at: Int64 {
        switch self {
        case .planned(_, _, _, let at), .attemptStarted(_, _, let at), .attemptFinished(_, _, let at, _, _, _),
             .subscriberDisabled(_, _, let at), .subscriberEnabled(_, let at), .circuitOpened(_, let at, _),
             .circuitClosed(_, let at), .redeliveryRequested(_, let at, _):
            return at
        }
    }

    /// The delivery the event is about, if it is about one.
    public var deliveryID: String? {
        switch self {
        case .planned(let id, _, _, _), .attemptStarted(let id, _, _), .attemptFinished(let id, _, _, _, _, _),
             .redeliveryRequested(let id, _, _):
            return id
        default:
            return nil
        }
    }
}
