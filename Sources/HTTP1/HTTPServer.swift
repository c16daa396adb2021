import Foundation
import Sockets
import Synchronization
import Threads

/// An HTTP/1.1 server: one event loop thread per core, each with its own SO_REUSEPORT
/// listener and its own connections, so loops share nothing on the request path.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var address: SocketAddress
        public var loops: Int
        public var limits: HTTPLimits
        /// Loop threads are named `<threadName>-<index>` (the kernel keeps 15 bytes), so a process
        /// running several servers shows which loop is whose.
        public var threadName: String

        public init(address: SocketAddress, loops: Int = ProcessInfo.processInfo.activeProcessorCount, limits: HTTPLimits = HTTPLimits(),
                    threadName: String = "http-loop") {
            self.address = address
            self.loops = max(1, loops)
            self.limits = limits
            self.threadName = threadName
        }
    }

    public let configuration: Configuration
    public let counters = HTTPServerCounters()
    private let handler: HTTPHandler
    private let state = Mutex<(registries: [HTTPLoopRegistry], threads: [Thread], finished: Int, bound: SocketAddress?)>(([], [], 0, nil))
    private let exited = DispatchSemaphore(value: 0)
    /// Listeners bound by `bind()` and not yet handed to loops.
    private let unstarted = Mutex<[ListeningSocket]?>(nil)

    public init(configuration: Configuration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// The address actually bound (the kernel's choice when the port was 0).
    public var boundAddress: SocketAddress? { state.withLock { $0.bound } }

    /// Binds every loop's listener without serving yet, so a caller can find the port taken
    /// before it starts anything with side effects. Connections wait in the backlog until
    /// `start()`. A port another process listens on is refused, even one that set
    /// SO_REUSEPORT (which the loops' own listeners need, and which would otherwise let a
    /// second gateway share the port and take half the webhooks into another log).
    @discardableResult
    public func bind() throws -> SocketAddress {
        if let held = unstarted.withLock({ $0 }) { return held[0].address }
        var address = configuration.address
        if address.port != 0 { try ListeningSocket.ensureFree(address) }
        var listeners: [ListeningSocket] = []
        do {
            for _ in 0..<configuration.loops {
                let listener = try ListeningSocket.bind(address)
                address = listener.address  // later loops bind the port the first one got
                listeners.append(listener)
            }
        } catch {
            listeners.forEach { $0.close() }
            throw error
        }
        unstarted.withLock { $0 = listeners }
        return address
    }

    /// Binds (unless `bind()` did), then starts the loop threads. Throws if binding fails,
    /// before any thread has started.
    @discardableResult
    public func start() throws -> SocketAddress {
        try bind()
        let listeners = unstarted.withLock { held in defer { held = nil }; return held! }
        let address = listeners[0].address
        var registries: [HTTPLoopRegistry] = []
        for (i, listener) in listeners.enumerated() {
            let loop = try EventLoop(index: i)
            registries.append(HTTPLoopRegistry(loop: loop, listener: listener, limits: configuration.limits,
                                               handler: handler, counters: counters))
        }
        var threads: [Thread] = []
        for registry in registries {
            let exited = exited
            let name = "\(configuration.threadName)-\(registry.loop.index)"
            let thread = Thread {
                ThreadName.setCurrent(name)
                do { try registry.start() } catch { fatalError("event loop \(registry.loop.index) failed to start: \(error)") }
                registry.loop.run()
                exited.signal()
            }
            threads.append(thread)
        }
        state.withLock { $0 = (registries, threads, 0, address) }
        threads.forEach { $0.start() }
        return address
    }

    /// Stops accepting, lets in-flight requests finish for up to `grace` seconds, then
    /// closes what is left and stops the loops. Returns when every loop thread has exited.
    public func shutdown(grace: Double = 10) {
        unstarted.withLock { held in held?.forEach { $0.close() }; held = nil }
        let registries = state.withLock { $0.registries }
        for registry in registries { registry.loop.execute { registry.beginDrain() } }
        let deadline = Date().addingTimeInterval(grace)
        while counters.open.load(ordering: .relaxed) > 0 && Date() < deadline {
            usleep(10_000)
        }
        for registry in registries {
            registry.loop.execute { registry.closeAll() }
            registry.loop.stop()
        }
        for _ in registries { exited.wait() }
        state.withLock { $0.registries = [] }
    }
}
