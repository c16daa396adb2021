/// The secret 128-bit key of a state's digests. Kept in snapshots, so a restored index
/// and new events agree.
struct DigestKey: Sendable, Equatable {
    let k0: UInt64
    let k1: UInt64

    static func random() -> DigestKey {
        var generator = SystemRandomNumberGenerator()
        return DigestKey(k0: generator.next(), k1: generator.next())
    }
}
