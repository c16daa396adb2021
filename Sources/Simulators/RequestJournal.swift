import Foundation
import Synchronization

/// Every API request a simulator received, in arrival order. Entries are keyed by a
/// sequence number rather than an index so a reset while requests are in flight cannot make
/// a late answer land on someone else's entry.
final class RequestJournal: Sendable {
    private let state = Mutex<(next: UInt64, entries: [(id: UInt64, request: RecordedRequest)])>((1, []))

    func record(_ request: RecordedRequest) -> UInt64 {
        state.withLock { state in
            let id = state.next
            state.next += 1
            state.entries.append((id, request))
            return id
        }
    }

    func answered(_ id: UInt64, status: Int) {
        state.withLock { state in
            guard let index = state.entries.lastIndex(where: { $0.id == id }) else { return }
            state.entries[index].request.status = status
        }
    }

    var entries: [RecordedRequest] { state.withLock { $0.entries.map(\.request) } }

    func reset() { state.withLock { $0.entries.removeAll() } }
}
