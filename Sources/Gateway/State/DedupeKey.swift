/// Identifies one delivery for dedupe: the same id from two sources is two events.
public struct DedupeKey: Hashable, Sendable {
    public let source: String
    public let eventID: String
}
