import Glibc

/// Thin wrappers over the system calls the log uses, turning errno into
/// `LogError.io` and retrying EINTR so callers only see real failures.
public enum FileIO {
    static func fail(_ operation: String, _ path: String? = nil) -> LogError {
        .io(operation: path.map { "\(operation) \($0)" } ?? operation, errno: errno)
    }

    static func open(_ path: String, flags: Int32, mode: mode_t = 0o600) throws(LogError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw fail("open", path) }
        }
    }

    static func close(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    static func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at position: Int) throws(LogError) {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(position + done))
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                if n == 0 { errno = EIO }
                throw fail("write")
            }
        }
    }

    /// Reads up to `buffer.count` bytes; returns fewer only at end of file.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at position: Int) throws(LogError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(position + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                throw fail("read")
            }
        }
        return done
    }

    /// A whole file's bytes (snapshots and segment files are read this way at start).
    public static func readFile(_ path: String) throws(LogError) -> [UInt8] {
        let fd = try open(path, flags: O_RDONLY)
        defer { close(fd) }
        let size = try self.size(fd)
        var failure: LogError?
        // Uninitialised: the read fills it, and zeroing hundreds of megabytes first costs as much as the read.
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            do throws(LogError) { initialized = try readFully(fd, into: UnsafeMutableRawBufferPointer(buffer), at: 0) } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    static func size(_ fd: Int32) throws(LogError) -> Int {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw fail("fstat") }
        return Int(info.st_size)
    }

    static func sync(_ fd: Int32, _ mode: SyncMode) throws(LogError) {
        switch mode {
        case .none:
            return
        case .fdatasync:
            while fdatasync(fd) != 0 { if errno != EINTR { throw fail("fdatasync") } }
        case .fsync:
            while fsync(fd) != 0 { if errno != EINTR { throw fail("fsync") } }
        }
    }

    /// Asks the kernel to drop the cached pages of a range. Only clean pages go, so it is safe
    /// after a sync; a failure costs nothing but memory, so it is not reported.
    static func dropCachedPages(_ fd: Int32, at position: Int, count: Int) {
        _ = posix_fadvise(fd, off_t(position), off_t(count), POSIX_FADV_DONTNEED)
    }

    /// Makes creations, renames and deletions in `directory` durable; without it a
    /// crash can lose a whole segment file even though its data was synced.
    static func syncDirectory(_ directory: String) throws(LogError) {
        let fd = try open(directory, flags: O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        while fsync(fd) != 0 { if errno != EINTR { throw fail("fsync directory", directory) } }
    }

    static func truncate(_ fd: Int32, to size: Int) throws(LogError) {
        while ftruncate(fd, off_t(size)) != 0 { if errno != EINTR { throw fail("ftruncate") } }
    }

    static func remove(_ path: String) throws(LogError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw fail("unlink", path) }
    }

    static func rename(_ from: String, to: String) throws(LogError) {
        guard Glibc.rename(from, to) == 0 else { throw fail("rename", from) }
    }

    /// Creates the directory (and missing parents) owner-only, since payloads are
    /// customer data. An existing directory is left as the operator made it.
    static func makeDirectory(_ path: String) throws(LogError) {
        var info = stat()
        if stat(path, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                errno = ENOTDIR
                throw fail("open directory", path)
            }
            return
        }
        let parent = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw fail("mkdir", path) }
        // mkdir's mode is filtered by the umask; the log wants exactly 0700.
        guard chmod(path, 0o700) == 0 else { throw fail("chmod", path) }
        // The new entry lives in its parent: unsynced, a power cut can take the whole folder
        // (and every segment synced into it) with it.
        try syncDirectory(parent.isEmpty ? (path.hasPrefix("/") ? "/" : ".") : parent)
    }

    static func listDirectory(_ path: String) throws(LogError) -> [String] {
        guard let dir = opendir(path) else { throw fail("opendir", path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
