import Foundation
import Glibc
import Synchronization

/// The gateway's data folder, held with an exclusive lock: two gateways writing one log
/// would interleave records and break the single-writer rule the log depends on.
final class DataDirectory: Sendable {
    let path: String
    private let lockFD: Mutex<Int32?>

    init(path: String) throws {
        self.path = path
        let fm = FileManager.default
        try fm.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        // It holds customer data: owner-only. A folder that cannot be made so (another user's)
        // and is open to others is refused rather than written into.
        if chmod(path, 0o700) != 0 {
            let reason = String(cString: strerror(errno))
            var info = stat()
            if stat(path, &info) != 0 || info.st_mode & 0o077 != 0 {
                throw ConfigurationError("data folder \(path) is open to other users (mode \(String(info.st_mode & 0o777, radix: 8))) "
                                         + "and cannot be made 0700 (\(reason)); change its owner or mode")
            }
        }
        let lockPath = (path as NSString).appendingPathComponent("LOCK")
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ConfigurationError("cannot open \(lockPath): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw ConfigurationError("data folder \(path) is in use by another gatehouse process")
        }
        lockFD = Mutex(fd)
    }

    var logPath: String { (path as NSString).appendingPathComponent("log") }
    var snapshotsPath: String { (path as NSString).appendingPathComponent("snapshots") }
    var devSecretsPath: String { (path as NSString).appendingPathComponent("dev-secrets") }

    /// Lets another process (or a restarted gateway in the same process) take the folder.
    func release() {
        lockFD.withLock { fd in
            guard let held = fd else { return }
            flock(held, LOCK_UN)
            close(held)
            fd = nil
        }
    }

    deinit { release() }
}
