import Glibc

/// Names the calling thread for the kernel, so `top -H`, `ps -L`, `perf` and `/proc` tell the
/// gateway's threads apart.
///
/// Foundation's `Thread.name` is no way to do this on Linux: set before `start()` it never
/// reaches the kernel, and set from inside the thread it is dropped when the new thread runs
/// before its creator has recorded it. Glibc's module leaves out `pthread_setname_np`, so this
/// writes the kernel's own file for it. The kernel keeps 15 bytes; failure (a read-only /proc)
/// only leaves the inherited name.
public enum ThreadName {
    public static func setCurrent(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
