import Glibc

/// Creating segment files. A segment appears under its final name only once its
/// header is durable, so recovery never meets a half-written header.
enum SegmentFile {
    static func path(_ directory: String, _ name: String) -> String {
        directory + "/" + name
    }

    /// Creates (or empties) a file that is not part of the log yet, owner-only.
    static func openUnfinished(_ path: String) throws(LogError) -> Int32 {
        let fd = try FileIO.open(path, flags: O_RDWR | O_CREAT | O_TRUNC)
        // open's mode is filtered by the umask; segments hold customer data, so exactly 0600.
        guard fchmod(fd, 0o600) == 0 else {
            let error = FileIO.fail("fchmod", path)
            FileIO.close(fd)
            try? FileIO.remove(path)
            throw error
        }
        return fd
    }

    /// Creates the segment for `base` and returns a descriptor open for writing.
    static func create(directory: String, base: UInt64, sync: SyncMode) throws(LogError) -> Int32 {
        let temporary = path(directory, SegmentName.fileName(base: base) + ".tmp")
        return try adopt(try openUnfinished(temporary), preparedAt: temporary, directory: directory, base: base, sync: sync)
    }

    /// Makes a file not yet in the log (an empty temporary, or one `SegmentPreparer` filled
    /// with zeros) the segment for `base`: header first, synced, then the file takes its final
    /// name. On failure the descriptor is closed and neither name is left behind, so the log
    /// goes on exactly as before.
    static func adopt(_ fd: Int32, preparedAt prepared: String, directory: String, base: UInt64,
                      sync: SyncMode) throws(LogError) -> Int32 {
        let final = path(directory, SegmentName.fileName(base: base))
        do throws(LogError) {
            try SegmentHeader(base: base).encoded().withBytes { (bytes) throws(LogError) in
                try FileIO.writeFully(fd, bytes, at: 0)
            }
            try FileIO.sync(fd, sync)
            try FileIO.rename(prepared, to: final)
        } catch {
            FileIO.close(fd)
            try? FileIO.remove(prepared)
            throw error
        }
        do throws(LogError) {
            if sync != .none { try FileIO.syncDirectory(directory) }
            return fd
        } catch {
            // The name may or may not be durable; without the file, the next roll starts clean.
            FileIO.close(fd)
            try? FileIO.remove(final)
            throw error
        }
    }
}
