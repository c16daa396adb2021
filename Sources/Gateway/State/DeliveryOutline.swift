/// What the fold keeps of a delivered delivery, in one word: the offset of its `planned`
/// record (where its notification is) and how many attempts it took (so a redelivery keeps
/// counting). Offsets have 48 bits here (256 TiB of log); attempts saturate at 65,535.
struct DeliveryOutline: Sendable, Equatable {
    let planned: UInt64
    let attempts: Int

    init(planned: UInt64, attempts: Int) {
        self.planned = planned & Self.offsetMask
        self.attempts = min(max(attempts, 0), 0xFFFF)
    }

    init(_ word: UInt64) {
        planned = word & Self.offsetMask
        attempts = Int(word >> 48)
    }

    var word: UInt64 { planned | UInt64(attempts) << 48 }

    /// The subscriber part of a delivery id (`<notification id>.<subscriber id>`, see `DeliveryID`).
    static func subscriber(of deliveryID: String) -> String {
        deliveryID.lastIndex(of: ".").map { String(deliveryID[deliveryID.index(after: $0)...]) } ?? ""
    }

    private static let offsetMask: UInt64 = (1 << 48) - 1
}
