import EventLog
import Foundation
import Synchronization
import Threads

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
        let digestKey = folder.digestKey
        var folded = 0
        try run(produce: { send in
            var items = FoldItemReader(digestKey: digestKey)
            var batch = FoldBatch()
            try log.readBorrowed(from: offset, verifiedAtOpen: true) { at, payload in
                if at == skip { return true }
                do {
                    try items.read(payload, at: at, into: &batch)
                } catch {
                    throw ConfigurationError("log record at offset \(at) cannot be decoded: \(error)")
                }
                if batch.items.count == batchSize {
                    guard send(batch) else { return false }
                    batch = FoldBatch()
                }
                return true
            }
            _ = send(batch)
        }, consume: { batch in
            folder.apply(batch)
            let before = folded
            folded += batch.items.count
            if folded / 250_000 > before / 250_000 { progress?(folded / 250_000 * 250_000) }
        })
        return folded
    }

    /// Re-applies the work records a snapshot lists (`GatewayState.reapplyWork`), reading and
    /// decoding them on the second core.
    static func replayWork(_ log: FileLog, offsets: [UInt64], into state: inout GatewayState) throws {
        try run(produce: { send in
            var batch = FoldBatch()
            for chunk in stride(from: 0, to: offsets.count, by: batchSize) {
                try log.readRecords(at: Array(offsets[chunk..<min(chunk + batchSize, offsets.count)])) { at, payload in
                    do {
                        batch.events.append(try LogEvent.decode(Array(payload), withBody: false))
                    } catch {
                        throw ConfigurationError("log record at offset \(at) cannot be decoded: \(error)")
                    }
                    batch.items.append(.init(kind: .event, offset: at, index: batch.events.count - 1))
                }
                guard send(batch) else { return }
                batch = FoldBatch()
            }
        }, consume: { batch in
            for item in batch.items { state.reapplyWork(batch.events[item.index], at: item.offset) }
        })
    }

    /// `produce` runs on a thread of its own and hands batches to `send` (false: stop, the
    /// consumer is gone); `consume` runs here, in order. The first error of either is thrown.
    private static func run(produce: @escaping @Sendable (_ send: (FoldBatch) -> Bool) throws -> Void,
                            consume: (FoldBatch) -> Void) throws {
        let channel = BatchChannel(capacity: batchesInFlight)
        let reader = Thread {
            ThreadName.setCurrent("fold-reader")
            do {
                try produce { channel.send(.items($0)) }
                _ = channel.send(.done)
            } catch {
                _ = channel.send(.failed(error))
            }
        }
        reader.start()
        defer { channel.close() }
        while true {
            switch channel.receive() {
            case .items(let batch): consume(batch)
            case .done: return
            case .failed(let error): throw error
            }
        }
    }
}
