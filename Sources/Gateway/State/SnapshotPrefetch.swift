import Foundation
import Synchronization

/// Reads and decodes the newest snapshot on a thread of its own while the log opens: opening
/// checks every segment's records, reading a snapshot is mostly copying and page faults, and
/// on two cores the two overlap instead of adding up. If the snapshot turns out not to match
/// the log, `StateRecovery` goes on to the older ones as it would without this.
final class SnapshotPrefetch: Sendable {
    let path: String
    private let result = Mutex<Result<StateSnapshot, SnapshotError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// nil when there is no snapshot to read.
    init?(_ snapshots: SnapshotStore?) {
        guard let snapshots, let newest = snapshots.files().first else { return nil }
        path = newest.path
        Thread.detachNewThread { [self] in
            let read: Result<StateSnapshot, SnapshotError>
            do { read = .success(try snapshots.read(newest.path)) } catch let error as SnapshotError { read = .failure(error) } catch {
                read = .failure(.damaged("\(error)"))
            }
            result.withLock { $0 = read }
            done.signal()
        }
    }

    /// The snapshot at `path` as read ahead, waiting for the read to finish; nil for another path.
    func snapshot(at path: String) throws(SnapshotError) -> StateSnapshot? {
        guard path == self.path else { return nil }
        done.wait()
        done.signal()  // a second caller does not wait forever
        return try result.withLock { $0 }!.get()
    }
}
