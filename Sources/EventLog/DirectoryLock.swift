import Glibc

/// An exclusive flock on `<directory>/LOCK`, so a second process (or a second
/// `FileLog` in this one) cannot append to the same segments and interleave records.
enum DirectoryLock {
    static let fileName = "LOCK"

    static func acquire(_ directory: String) throws(LogError) -> Int32 {
        let path = directory + "/" + fileName
        let fd = try FileIO.open(path, flags: O_RDWR | O_CREAT)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            let error = FileIO.fail("lock (is the log open elsewhere?)", path)
            FileIO.close(fd)
            throw error
        }
        return fd
    }
}
