/// Log records, read and ready to fold, a batch at a time: the work of reading (parsing,
/// hashing dedupe keys, decoding) is done by whoever fills a batch, so it can run on
/// another thread than the fold itself (see `FoldPipeline`). Items are plain words, so
/// handing over a batch copies no references; decoded events and new source names ride
/// alongside and items point at them by index.
struct FoldBatch: Sendable {
    struct Item: Sendable {
        /// `receivedRouted`: a received record that is its own routing (see `ReceivedEvent.routedAtIntake`).
        enum Kind: UInt8, Sendable { case received, receivedRouted, routedWithoutJobs, event }
        var kind: Kind
        var offset: UInt64
        var digest = KeyDigest(high: 0, low: 0)
        /// `received`, `receivedRouted` with `hasSecond`: the second dedupe key (see `ReceivedEvent.contentDigest`).
        var second = KeyDigest(high: 0, low: 0)
        var hasSecond = false
        /// `routedWithoutJobs`: the event it routes.
        var eventOffset: UInt64 = 0
        /// `received`, `receivedRouted`: index of its source among all names read so far; `event`: index
        /// into `events`.
        var index = 0
    }

    var items: [Item] = []
    var events: [LogEvent] = []
    /// Source names first seen in this batch, in the order they got their indexes.
    var newSources: [String] = []
}
