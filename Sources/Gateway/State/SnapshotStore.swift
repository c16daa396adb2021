import EventLog
import Foundation
import Glibc

/// The snapshot files of a data folder (`<data>/snapshots/state-<last offset>.snap`): written
/// whole to a temporary name, synced, then renamed, so a crash leaves the old file or the new
/// one and never half of one. Only the newest `keep` are kept.
final class SnapshotStore: Sendable {
    let directory: String
    let keep: Int

    init(directory: String, keep: Int) throws {
        self.directory = directory
        self.keep = max(1, keep)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Snapshot files, newest (highest offset) first.
    func files() -> [(offset: UInt64, path: String)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name -> (UInt64, String)? in
            guard name.hasPrefix("state-"), name.hasSuffix(".snap"),
                  let offset = UInt64(name.dropFirst(6).dropLast(5)) else { return nil }
            return (offset, (directory as NSString).appendingPathComponent(name))
        }.sorted { $0.0 > $1.0 }
    }

    func read(_ path: String) throws -> StateSnapshot {
        let bytes: [UInt8]
        do { bytes = try FileIO.readFile(path) } catch { throw SnapshotError.damaged("cannot read \(path): \(error)") }
        return try StateSnapshot.decode(bytes)
    }

    /// Writes the snapshot durably, then removes all but the newest `keep`. Returns its size.
    @discardableResult
    func write(_ snapshot: StateSnapshot) throws -> Int {
        let bytes = snapshot.encoded()
        let name = String(format: "state-%020llu.snap", snapshot.lastOffset)
        let path = (directory as NSString).appendingPathComponent(name)
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ConfigurationError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return "write: \(String(cString: strerror(errno)))" }
                written += n
            }
            return fsync(fd) == 0 ? nil : "fsync: \(String(cString: strerror(errno)))"
        }
        close(fd)
        if let failure {
            unlink(temporary)
            throw ConfigurationError("snapshot \(temporary): \(failure)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw ConfigurationError("snapshot rename to \(path): \(reason)")
        }
        // Retention removes log segments once this returns: the rename must be on disk.
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw ConfigurationError("snapshot: cannot open \(directory) to sync it: \(String(cString: strerror(errno)))") }
        defer { close(dirFD) }
        guard fsync(dirFD) == 0 else { throw ConfigurationError("snapshot: fsync of \(directory): \(String(cString: strerror(errno)))") }
        prune(after: snapshot.lastOffset)
        return bytes.count
    }

    /// Removes the snapshots past `newest` (written for a longer log than this one, after the
    /// log was cut back or replaced: a start refuses them, and counted among the newest they
    /// would push the one just written out), then all but the newest `keep`, and temporaries
    /// a crash left behind.
    func prune(after newest: UInt64) {
        let current = files().filter { $0.offset <= newest }
        for (offset, path) in files() where offset > newest { unlink(path) }
        for (_, path) in current.dropFirst(keep) { unlink(path) }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasSuffix(".snap.tmp") { unlink((directory as NSString).appendingPathComponent(name)) }
    }
}
