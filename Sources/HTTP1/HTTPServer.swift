import Foundation
import Sockets
import Synchronization

/// An HTTP/1.1 server: one event loop thread per core, each with its own SO_REUSEPORT
/// listener and its own connections, so loops share nothing on the request path.
public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var address: SocketAddress
        public var loops: Int
        public var limits: HTTPLimits
        /// Pins each loop to a core of its own when there are exactly as many loops as CPUs
        /// the process may use (so no two loops ever share one); otherwise loops float. Off by
        /// default: on this machine it raised the rate a little and doubled the p99.9 (a pinned
        /// loop cannot leave a core that the log writer or another process is holding).
        public var pinsLoops: Bool

        public init(address: SocketAddress, loops: Int = ProcessInfo.processInfo.activeProcessorCount,
                    limits: HTTPLimits = HTTPLimits(), pinsLoops: Bool = false) {
            self.address = address
            self.loops = max(1, loops)
            self.limits = limits
            self.pinsLoops = pinsLoops
        }
    }

    public let configuration: Configuration
    public let counters = HTTPServerCounters()
    private let handler: HTTPHandler
    private let state = Mutex<(registries: [HTTPLoopRegistry], threads: [Thread], finished: Int, bound: SocketAddress?)>(([], [], 0, nil))
    private let pinned = Mutex<[Int]>([])
    private let exited = DispatchSemaphore(value: 0)

    public init(configuration: Configuration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// The address actually bound (the kernel's choice when the port was 0).
    public var boundAddress: SocketAddress? { state.withLock { $0.bound } }

    /// The CPU each loop runs on, in loop order, as the kernel reports it from inside the
    /// loop's thread once pinned; empty when the loops float.
    public var loopCPUs: [Int] { pinned.withLock { $0 } }

    /// Binds every loop's listener, then starts the loop threads. Throws if binding fails,
    /// before any thread has started.
    @discardableResult
    public func start() throws -> SocketAddress {
        var address = configuration.address
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
        var registries: [HTTPLoopRegistry] = []
        for (i, listener) in listeners.enumerated() {
            let loop = try EventLoop(index: i)
            registries.append(HTTPLoopRegistry(loop: loop, listener: listener, limits: configuration.limits,
                                               handler: handler, counters: counters))
        }
        let cpus = CPUAffinity.currentThreadCPUs()
        let pinning = configuration.pinsLoops && cpus.count == configuration.loops
        let placed = DispatchSemaphore(value: 0)
        var slots = [Int?](repeating: nil, count: registries.count)
        let reported = Mutex(slots)
        var threads: [Thread] = []
        for registry in registries {
            let exited = exited
            let index = registry.loop.index
            let thread = Thread {
                if pinning, CPUAffinity.pinCurrentThread(to: cpus[index]) {
                    let now = CPUAffinity.currentThreadCPUs()
                    reported.withLock { $0[index] = now.count == 1 ? now[0] : nil }
                }
                placed.signal()
                do { try registry.start() } catch { fatalError("event loop \(registry.loop.index) failed to start: \(error)") }
                registry.loop.run()
                exited.signal()
            }
            thread.name = "http-loop-\(registry.loop.index)"
            threads.append(thread)
        }
        state.withLock { $0 = (registries, threads, 0, address) }
        threads.forEach { $0.start() }
        for _ in threads { placed.wait() }
        slots = reported.withLock { $0 }
        pinned.withLock { $0 = slots.allSatisfy { $0 != nil } ? slots.compactMap { $0 } : [] }
        return address
    }

    /// Stops accepting, lets in-flight requests finish for up to `grace` seconds, then
    /// closes what is left and stops the loops. Returns when every loop thread has exited.
    public func shutdown(grace: Double = 10) {
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
