import Glibc

/// Creating segment files. A segment appears under its final name only once its
/// header is durable, so recovery never meets a half-written header.
enum SegmentFile {
    static func path(_ directory: String, _ name: String) -> String {
        directory + "/" + name
    }

    /// Creates the segment for `base` and returns a descriptor open for writing.
    static func create(directory: String, base: UInt64, sync: SyncMode) throws(LogError) -> Int32 {
        let name = SegmentName.fileName(base: base)
        let temporary = path(directory, name + ".tmp")
        let fd = try FileIO.open(temporary, flags: O_RDWR | O_CREAT | O_TRUNC)
        do throws(LogError) {
            guard fchmod(fd, 0o600) == 0 else { throw FileIO.fail("fchmod", temporary) }
            try SegmentHeader(base: base).encoded().withBytes { (bytes) throws(LogError) in
                try FileIO.writeFully(fd, bytes, at: 0)
            }
            try FileIO.sync(fd, sync)
            try FileIO.rename(temporary, to: path(directory, name))
            if sync != .none { try FileIO.syncDirectory(directory) }
            return fd
        } catch {
            FileIO.close(fd)
            try? FileIO.remove(temporary)
            throw error
        }
    }
}
