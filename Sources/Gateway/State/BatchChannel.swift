import Foundation

/// A bounded hand-off of batches from the reader thread to the folding one.
final class BatchChannel: @unchecked Sendable {
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
