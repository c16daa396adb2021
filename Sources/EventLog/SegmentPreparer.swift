import Dispatch
import Glibc
import Synchronization
import Threads

/// Makes the next segment's file before it is needed: zero-filled to the segment size and
/// synced, off the writer's thread. Appends into that file then overwrite space the file
/// already has, so each group commit's sync writes data only. On this machine's ext4 a sync
/// that also grows the file (and so writes its inode) took about twice as long.
///
/// The file lives as `next.log.tmp` until the writer adopts it as a segment; open deletes
/// it like any other unfinished segment file, so a crash never leaves it in the log.
final class SegmentPreparer: Sendable {
    static let fileName = "next" + SegmentName.temporarySuffix
    /// After a failed preparation (a full disk, say) the next try waits this long.
    static let retryAfterNanoseconds: UInt64 = 10_000_000_000
    /// Zeros are written and synced a step at a time, so the device never holds one long
    /// write in front of the group commit's small syncs.
    static let stepBytes = 1 << 20

    private enum Stage {
        case idle
        case preparing
        case ready(Int32)
        case failed(at: UInt64)
        case finished
    }

    let directory: String
    let size: Int
    let sync: SyncMode
    private let stage = Mutex<Stage>(.idle)
    /// Where a preparation finds a sealed segment whose cached pages it may reuse.
    let recycler: CacheRecycler
    private let queue = DispatchQueue(label: "gatehouse.log.prepare", qos: .utility)

    init(directory: String, size: Int, sync: SyncMode, recycler: CacheRecycler) {
        self.directory = directory
        self.size = size
        self.sync = sync
        self.recycler = recycler
    }

    var path: String { SegmentFile.path(directory, Self.fileName) }

    /// Starts a preparation unless one is ready, under way, or failed a moment ago.
    func request() {
        let start: Bool = stage.withLock { stage in
            switch stage {
            case .idle:
                break
            case .failed(let at) where DispatchTime.now().uptimeNanoseconds - at >= Self.retryAfterNanoseconds:
                break
            default:
                return false
            }
            stage = .preparing
            return true
        }
        guard start else { return }
        queue.async { [self] in
            // A dispatch worker: it keeps the name of the last work it did, this or another.
            ThreadName.setCurrent("log-prepare")
            let fd = prepare()
            let orphan: Int32? = stage.withLock { stage in
                guard case .preparing = stage else { return fd }  // finished meanwhile
                stage = fd.map { .ready($0) } ?? .failed(at: DispatchTime.now().uptimeNanoseconds)
                return nil
            }
            if let orphan { FileIO.close(orphan) }
        }
    }

    var isReady: Bool {
        stage.withLock { if case .ready = $0 { return true } else { return false } }
    }

    /// The prepared file's descriptor if one is ready; the caller owns it from then on.
    func take() -> Int32? {
        stage.withLock { stage in
            guard case .ready(let fd) = stage else { return nil }
            stage = .idle
            return fd
        }
    }

    /// Stops preparing: a preparation under way gives up at its next step (a close does not
    /// wait for 64 MiB of zeros), and a file nobody took is closed. What is on disk stays
    /// until the next open deletes it.
    func finish() {
        let fd: Int32? = stage.withLock { stage in
            defer { stage = .finished }
            if case .ready(let fd) = stage { return fd }
            return nil
        }
        if let fd { FileIO.close(fd) }
        queue.sync {}
    }

    private var isFinished: Bool {
        stage.withLock { if case .finished = $0 { return true } else { return false } }
    }

    private func prepare() -> Int32? {
        let fd: Int32
        do { fd = try SegmentFile.openUnfinished(path) } catch { return nil }
        // Each step of its pages is dropped just before the same step of zeros is written.
        let old = recycler.next().flatMap { try? FileIO.open($0, flags: O_RDONLY) }  // nil if retention removed it
        defer { if let old { FileIO.close(old) } }
        do throws(LogError) {
            let zeros = [UInt8](repeating: 0, count: min(size, Self.stepBytes))
            var position = 0
            while position < size {
                if isFinished { throw LogError.closed }
                let count = min(zeros.count, size - position)
                if let old { FileIO.dropCachedPages(old, at: position, count: count) }
                try zeros.withBytes { (bytes) throws(LogError) in
                    try FileIO.writeFully(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<count]), at: position)
                }
                try FileIO.sync(fd, sync)
                position += count
            }
            return fd
        } catch {
            FileIO.close(fd)
            try? FileIO.remove(path)
            return nil
        }
    }
}
