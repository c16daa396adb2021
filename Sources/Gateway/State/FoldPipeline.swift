import EventLog
import Foundation
import Synchronization

/// A whole-log fold on two cores: a reader thread reads the segments and turns records into
/// `FoldBatch`es (parsing, hashing dedupe keys, decoding), while the calling thread applies
/// them to the state. A start does nothing else meanwhile, so the second core is free; the
/// two halves cost about the same, so the fold takes about half as long.
enum FoldPipeline {
    private static let batchSize = 4096
    private static let batchesInFlight = 8

    /// Folds the records at and after `offset` (skipping the one at exactly `skip`) into
    /// `folder`; returns how many were folded. `progress(folded)` is called every 250,000.
    static func fold(_ log: FileLog, from offset: UInt64, skipping skip: UInt64? = nil, into folder: inout StateFolder,
                     progress: ((Int) -> Void)? = nil) throws -> Int {
        let channel = BatchChannel(capacity: batchesInFlight)
        let digestKey = folder.digestKey
        let reader = Thread {
            var items = FoldItemReader(digestKey: digestKey)
            var batch = FoldBatch()
            batch.items.reserveCapacity(batchSize)
            do {
                try log.readBorrowed(from: offset, verifiedAtOpen: true) { at, payload in
                    if at == skip { return true }
                    do {
                        try items.read(payload, at: at, into: &batch)
                    } catch {
                        throw ConfigurationError("log record at offset \(at) cannot be decoded: \(error)")
                    }
                    if batch.items.count == batchSize {
                        guard channel.send(.items(batch)) else { return false }
                        batch = FoldBatch()
                        batch.items.reserveCapacity(batchSize)
                    }
                    return true
                }
                _ = channel.send(.items(batch))
                _ = channel.send(.done)
            } catch {
                _ = channel.send(.failed(error))
            }
        }
        reader.name = "gatehouse-fold-reader"
        reader.start()
        var folded = 0
        defer { channel.close() }
        while true {
            switch channel.receive() {
            case .items(let batch):
                folder.apply(batch)
                let before = folded
                folded += batch.items.count
                if folded / 250_000 > before / 250_000 { progress?(folded / 250_000 * 250_000) }
            case .done:
                return folded
            case .failed(let error):
                throw error
            }
        }
    }
}

/// A bounded hand-off of batches from the reader thread to the folding one.
private final class BatchChannel: @unchecked Sendable {
    enum Message { case items(FoldBatch), done, failed(any Error) }

    // Unchecked: `queue` and `closed` are only touched under `lock`.
    private var queue: [Message] = []
    private var closed = false
    private let lock = NSCondition()
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while the channel is full; false once the receiver has gone.
    func send(_ message: Message) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while queue.count >= capacity && !closed { lock.wait() }
        guard !closed else { return false }
        queue.append(message)
        lock.broadcast()
        return true
    }

    func receive() -> Message {
        lock.lock()
        defer { lock.unlock() }
        while queue.isEmpty { lock.wait() }
        let message = queue.removeFirst()
        lock.broadcast()
        return message
    }

    /// The receiver is done (finished or failed): a blocked sender gives up.
    func close() {
        lock.lock()
        closed = true
        lock.broadcast()
        lock.unlock()
    }
}
