import Glibc
import Threads

/// Starts the writer as a plain pthread, so `close()` can really join it.
enum WriterThread {
    /// Carries the closure through pthread_create's untyped context pointer.
    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    static func start(_ run: @escaping @Sendable () -> Void) throws(LogError) -> pthread_t {
        let context = Unmanaged.passRetained(Body {
            ThreadName.setCurrent("log-writer")
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
}
