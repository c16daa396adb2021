/// A delivery is one notification to one subscriber. Its id is also the `webhook-id` the
/// subscriber sees, the same on every retry and redelivery so receivers can drop repeats.
public enum DeliveryID {
    /// `<notification id>.<subscriber id>`: subscriber ids have no dots, so it reads back unambiguously.
    public static func make(notificationID: String, subscriberID: String) -> String {
        notificationID + "." + subscriberID
    }
}
