/// The most recent sync latencies, so percentiles describe the disk now rather
/// than averaged over the process's lifetime.
struct LatencyRing: Sendable {
    static let capacity = 1024

    private var samples: [UInt32] = []
    private var next = 0
    /// The slowest sync since open, and how many took over 20 ms: a stall of the disk holds
    /// every request of its batch, so these explain a latency tail the recent window has
    /// already forgotten.
    private(set) var maximum: UInt32 = 0
    private(set) var over20ms = 0

    mutating func add(_ micros: UInt32) {
        maximum = max(maximum, micros)
        if micros > 20_000 { over20ms += 1 }
        if samples.count < Self.capacity {
            samples.append(micros)
        } else {
            samples[next] = micros
        }
        next = (next + 1) % Self.capacity
    }

    /// Nearest-rank percentile, `fraction` in 0...1; nil with no samples.
    func percentile(_ fraction: Double) -> Int? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
        return Int(sorted[min(max(rank, 0), sorted.count - 1)])
    }
}
