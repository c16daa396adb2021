import Sockets

/// The connections owned by one event loop, and that loop's share of the server.
/// Touched only on its loop's thread (responders hop there first), hence `@unchecked Sendable`.
final class HTTPLoopRegistry: @unchecked Sendable, EventHandler {
    let loop: EventLoop
    let limits: HTTPLimits
    let handler: HTTPHandler
    let counters: HTTPServerCounters
    private(set) var connections: [Int32: HTTPConnection] = [:]
    private var nextID: UInt64 = 1
    private(set) var date = HTTPDate.now()
    private(set) var now = EventLoop.monotonicMilliseconds()
    private(set) var draining = false
    private var listener: ListeningSocket?
    /// One read buffer per loop: connections copy out of it what they keep.
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    init(loop: EventLoop, listener: ListeningSocket, limits: HTTPLimits, handler: @escaping HTTPHandler, counters: HTTPServerCounters) {
        self.loop = loop
        self.listener = listener
        self.limits = limits
        self.handler = handler
        self.counters = counters
    }

    deinit { scratch.deallocate() }

    /// Called once on the loop thread before it serves.
    func start() throws(SocketError) {
        if let listener { try loop.register(fd: listener.fd, events: Readiness.readable, handler: self) }
        loop.onTick { [unowned self] in self.tick() }
    }

    // The listener's readiness: accept what is pending, a bounded number at a time so one
    // burst of connects cannot starve requests already on this loop.
    func handle(events: UInt32, on loop: EventLoop) {
        guard let listener else { return }
        for _ in 0..<64 {
            guard let socket = listener.accept() else { return }
            counters.accepted.add(1, ordering: .relaxed)
            if counters.open.load(ordering: .relaxed) >= limits.maxConnections {
                counters.refusedConnections.add(1, ordering: .relaxed)
                let busy = Array("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n".utf8)
                _ = busy.withUnsafeBytes { SocketIO.write(socket.fd, $0) }
                SocketIO.close(socket.fd)
                continue
            }
            counters.open.add(1, ordering: .relaxed)
            let connection = HTTPConnection(fd: socket.fd, peer: socket.peer, id: nextID, registry: self)
            nextID += 1
            do {
                try loop.register(fd: socket.fd, events: Readiness.readable, handler: connection)
                connections[socket.fd] = connection
            } catch {
                counters.open.subtract(1, ordering: .relaxed)
                SocketIO.close(socket.fd)
            }
        }
    }

    func deliver(_ response: HTTPResponse, fd: Int32, connectionID: UInt64) {
        guard let connection = connections[fd], connection.id == connectionID else { return }
        connection.deliver(response)
    }

    func abort(fd: Int32, connectionID: UInt64) {
        guard let connection = connections[fd], connection.id == connectionID else { return }
        closed(connection)
    }

    func responder(for connection: HTTPConnection) -> HTTPResponder {
        HTTPResponder(loop: loop, registry: self, fd: connection.fd, connectionID: connection.id)
    }

    func closed(_ connection: HTTPConnection) {
        guard connections[connection.fd] === connection, !connection.isClosed else { return }
        connection.isClosed = true
        loop.deregister(fd: connection.fd)
        connections[connection.fd] = nil
        SocketIO.close(connection.fd)
        counters.open.subtract(1, ordering: .relaxed)
    }

    private func tick() {
        date = HTTPDate.now()
        now = EventLoop.monotonicMilliseconds()
        for connection in Array(connections.values) { connection.checkTimeouts(now: now) }
    }

    func refreshClock() { now = EventLoop.monotonicMilliseconds() }

    /// Stops accepting and lets each connection finish what it is doing, then close.
    func beginDrain() {
        draining = true
        if let listener {
            loop.deregister(fd: listener.fd)
            listener.close()
            self.listener = nil
        }
        for connection in Array(connections.values) { connection.drain() }
    }

    /// Closes whatever is still open when the grace period ran out.
    func closeAll() {
        for connection in Array(connections.values) { closed(connection) }
    }
}
