import Synchronization

/// A ring of per-minute counters covering the last hour, kept in memory for the status
/// page's charts. Fed by `LogTail` from the records it reads, each counted in the minute of
/// its own timestamp, so a late catch-up still lands in the right bucket.
public final class RateHistory: Sendable {
    public static let minutes = 60
    private let ring = Mutex<[MinuteRates]>((0..<RateHistory.minutes).map { _ in MinuteRates(minute: -1) })

    public init() {}

    public enum Kind: Sendable { case accepted, succeeded, failed }

    /// Counts `count` occurrences at `milliseconds` (unix). Older than the ring's window: dropped.
    public func add(_ kind: Kind, at milliseconds: Int64, count: Int = 1) {
        let minute = Self.minute(of: milliseconds)
        let slot = Int(minute % Int64(Self.minutes))
        ring.withLock { ring in
            if ring[slot].minute != minute {
                guard ring[slot].minute < minute else { return }  // a stale record for a reused slot
                ring[slot] = MinuteRates(minute: minute)
            }
            switch kind {
            case .accepted: ring[slot].accepted += count
            case .succeeded: ring[slot].succeeded += count
            case .failed: ring[slot].failed += count
            }
        }
    }

    /// The last `minutes` minutes up to and including the one holding `now`, oldest first;
    /// minutes with nothing recorded are zeros.
    public func series(now milliseconds: Int64) -> [MinuteRates] {
        let last = Self.minute(of: milliseconds)
        let copy = ring.withLock { $0 }
        return (0..<Int64(Self.minutes)).map { back in
            let minute = last - Int64(Self.minutes) + 1 + back
            let slot = copy[Int(minute % Int64(Self.minutes))]
            return slot.minute == minute ? slot : MinuteRates(minute: minute)
        }
    }

    static func minute(of milliseconds: Int64) -> Int64 { max(0, milliseconds) / 60_000 }
}
