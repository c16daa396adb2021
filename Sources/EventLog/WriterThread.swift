import Glibc

/// Starts the writer as a plain pthread, so `close()` can really join it.
enum WriterThread {
    /// Carries the closure through pthread_create's untyped context pointer.
    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ run: @escaping @Sendable () -> Void) throws(LogError) -> pthread_t {
        let context = Unmanaged.passRetained(Body {
            nameCurrentThread("log-writer")
            run()
        }).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            throw LogError.io(operation: "pthread_create", errno: status)
        }
        return thread
    }

    /// Gives the calling thread a name `top -H`, `perf` and `/proc` show (at most 15 bytes).
    /// Glibc's module leaves out `pthread_setname_np`; this file is what it writes to.
    private static func nameCurrentThread(_ name: String) {
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
