/// A `received` record read ahead by `StateFolder`, waiting for its dedupe slot to be warm.
struct HeldReceived: Sendable {
    let digest: KeyDigest
    let offset: UInt64
    /// Routed at intake (its source had no rules): never unrouted.
    let routed: Bool
    /// The second dedupe key, if the record has one.
    let second: KeyDigest?
}
