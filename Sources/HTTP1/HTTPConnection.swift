import Sockets

/// One client connection: reads bytes, frames requests, hands them to the handler one at a
/// time (so pipelined answers leave in order) and writes the answers back.
final class HTTPConnection: EventHandler {
    let fd: Int32
    let peer: SocketAddress?
    let id: UInt64
    private unowned let registry: HTTPLoopRegistry
    private var decoder: HTTPRequestDecoder
    private var outbound: [UInt8] = []
    private var outboundSent = 0
    /// Reading stopped because `unsentBytes` passed `maxUnsentBytes`; `flush` resumes it.
    private var pausedForBacklog = false
    /// When the unsent answer bytes last moved (or appeared): a client that stops reading is
    /// closed after the idle timeout, as one that stops sending is.
    private var lastWriteProgress: Int64
    /// A client may pipeline requests and never read the answers. Past this many unsent bytes
    /// no further request is started and reading stops until the client reads, so the answers
    /// waiting on a connection stay bounded.
    static let maxUnsentBytes = 256 * 1024
    private var interest = Readiness.readable
    /// A request was handed to the handler and its answer has not come back.
    /// The request being answered: whether the connection stays open, whether it is a HEAD,
    /// and whether it is HTTP/1.0 (whose keep-alive the answer must name).
    private var inFlight: (keepAlive: Bool, head: Bool, http10: Bool)?
    private var closeAfterFlush = false
    private var peerClosed = false
    /// After an error answer: writes are shut, reads are drained and dropped until EOF.
    private var lingering = false
    private var processing = false
    private var requestStartedAt: Int64 = 0
    /// Set by the registry when the descriptor is closed: after that the number may belong
    /// to a new connection, so nothing here may touch it again.
    var isClosed = false
    private var lastActivity: Int64

    init(fd: Int32, peer: SocketAddress?, id: UInt64, registry: HTTPLoopRegistry) {
        self.fd = fd
        self.peer = peer
        self.id = id
        self.registry = registry
        decoder = HTTPRequestDecoder(limits: registry.limits)
        lastActivity = registry.now
        lastWriteProgress = lastActivity
    }

    private var unsentBytes: Int { outbound.count - outboundSent }

    func handle(events: UInt32, on loop: EventLoop) {
        guard !isClosed else { return }
        if events & (Readiness.error | Readiness.hangup) != 0 && events & Readiness.readable == 0 {
            registry.closed(self)
            return
        }
        if events & Readiness.readable != 0 { readAvailable() }
        if events & Readiness.writable != 0 { flush() }
    }

    private func readAvailable() {
        var total = 0
        let wasEmpty = !decoder.isMidRequest && !decoder.hasOnlyEmptyLines
        loop: while total < 256 * 1024 {
            switch SocketIO.read(fd, into: registry.scratch) {
            case .bytes(let n):
                total += n
                // After an answer that closes the connection nothing more will be read as a
                // request: kept, those bytes grew the decoder without bound (no request is
                // framed, so no limit applied) until the timeout.
                if !lingering && !closeAfterFlush { decoder.append(UnsafeRawBufferPointer(rebasing: registry.scratch[0..<n])) }
                if n < registry.scratch.count { break loop }
            case .wouldBlock:
                break loop
            case .closed:
                peerClosed = true
                break loop
            }
        }
        if lingering {
            if peerClosed { registry.closed(self) }
            return
        }
        if total > 0 {
            registry.refreshClock()
            lastActivity = registry.now
            if wasEmpty { requestStartedAt = registry.now }
        }
        process()
        if peerClosed {
            // The peer sent all it will. Every request it sent is still answered, including
            // those waiting behind an answer in flight or a backlog: `process` closes the
            // connection once the decoder runs dry.
            setInterest(interest & ~Readiness.readable)
        }
    }

    /// Frames and dispatches requests until one is waiting for its answer or bytes run out.
    private func process() {
        guard !isClosed else { return }
        processing = true
        defer { processing = false }
        while inFlight == nil && !closeAfterFlush {
            if unsentBytes > Self.maxUnsentBytes {
                flush()
                guard !isClosed else { return }
                if unsentBytes > Self.maxUnsentBytes {
                    pausedForBacklog = true
                    setInterest(interest & ~Readiness.readable)
                    return
                }
            }
            let event: HTTPRequestDecoder.Event
            do {
                event = try decoder.next()
            } catch {
                reject(error)
                break
            }
            switch event {
            case .needMore:
                if peerClosed { closeAfterFlush = true }
                pauseReadingIfFlooded()
                flush()
                return
            case .continueExpected:
                outbound.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8)
            case .request(var request):
                request.peer = peer
                registry.counters.requests.add(1, ordering: .relaxed)
                inFlight = (request.keepAlive && !registry.draining, request.method == "HEAD", request.minorVersion == 0)
                if decoder.isMidRequest { requestStartedAt = registry.now }
                registry.handler(request, registry.responder(for: self))
            }
        }
        pauseReadingIfFlooded()
        flush()
    }

    /// While an answer is pending, pipelined bytes wait in the decoder; past a bound, stop
    /// reading so a client cannot make the server buffer without limit.
    private func pauseReadingIfFlooded() {
        if inFlight != nil && decoder.bufferedCount > registry.limits.maxHeaderBytes + registry.limits.maxBodyBytes {
            setInterest(interest & ~Readiness.readable)
        }
    }

    func deliver(_ response: HTTPResponse) {
        guard let pending = inFlight else { return }
        inFlight = nil
        // A peer that half-closed still gets an answer to every request it sent before: the
        // connection closes once the decoder runs dry (`process`), not after this answer.
        let close = !pending.keepAlive || registry.draining
        response.encode(into: &outbound, date: registry.date, close: close, omitBody: pending.head,
                        announceKeepAlive: pending.http10 && !close)
        if close { closeAfterFlush = true }
        if !peerClosed && !closeAfterFlush && interest & Readiness.readable == 0 {
            setInterest(interest | Readiness.readable)
        }
        lastActivity = registry.now
        if !processing {
            process()
        }
    }

    private func reject(_ error: HTTPFramingError) {
        registry.counters.reject(error.label)
        let response = HTTPResponse.text(error.status)
        response.encode(into: &outbound, date: registry.date, close: true, omitBody: false)
        closeAfterFlush = true
        lingering = true
    }

    private func flush() {
        guard !isClosed else { return }
        if outboundSent == 0 { lastWriteProgress = registry.now }
        while outboundSent < outbound.count {
            let result = outbound.withUnsafeBytes { SocketIO.write(fd, UnsafeRawBufferPointer(rebasing: $0[outboundSent...])) }
            switch result {
            case .wrote(let n):
                outboundSent += n
                lastWriteProgress = registry.now
            case .wouldBlock:
                setInterest(interest | Readiness.writable)
                return
            case .failed:
                registry.closed(self)
                return
            }
        }
        outbound.removeAll(keepingCapacity: outbound.capacity <= 64 * 1024)
        outboundSent = 0
        if interest & Readiness.writable != 0 { setInterest(interest & ~Readiness.writable) }
        if pausedForBacklog {
            pausedForBacklog = false
            // A partial request held through the pause gets its header time from now on.
            requestStartedAt = registry.now
            if !peerClosed && !closeAfterFlush { setInterest(interest | Readiness.readable) }
            // The requests read before the pause wait in the decoder; `process` ends in a
            // flush of its own, which finishes what this one would have.
            if !processing { process(); return }
        }
        guard closeAfterFlush, inFlight == nil else { return }
        if lingering && !peerClosed {
            // Keep reading (and dropping) for a moment so the client sees the answer rather
            // than a reset caused by its unread upload.
            SocketIO.shutdownWrite(fd)
            lastActivity = registry.now
            setInterest(Readiness.readable)
        } else {
            registry.closed(self)
        }
    }

    private func setInterest(_ events: UInt32) {
        guard events != interest, !isClosed else { return }
        interest = events
        registry.loop.modify(fd: fd, events: events)
    }

    func checkTimeouts(now: Int64) {
        let limits = registry.limits
        if lingering {
            if now - lastActivity > 2_000 { registry.closed(self) }
        } else if unsentBytes > 0 && now - lastWriteProgress > limits.idleTimeoutMilliseconds {
            registry.closed(self)
        } else if inFlight != nil || pausedForBacklog {
            // Paused, the requests waiting in the decoder arrived in time; the check above
            // closes a client that stops reading.
            return
        } else if closeAfterFlush {
            // The last answer is written or being written: no 408 goes after it. The check
            // above closes a client that stops reading it.
            if outbound.isEmpty { registry.closed(self) }
        } else if decoder.isMidRequest {
            let budget = decoder.isReadingBody ? limits.headerTimeoutMilliseconds + limits.bodyTimeoutMilliseconds
                                               : limits.headerTimeoutMilliseconds
            if now - requestStartedAt > budget {
                reject(HTTPFramingError(.requestTimeout, "request not received in time"))
                flush()
            }
        } else if decoder.hasOnlyEmptyLines && now - requestStartedAt > limits.headerTimeoutMilliseconds && outbound.isEmpty {
            // Empty lines, one at a time, are no request: each one reset the idle timer, and a
            // CRLF a minute held the connection for days. They get the head's time, then a close.
            registry.closed(self)
        } else if outbound.isEmpty && (registry.draining || now - lastActivity > limits.idleTimeoutMilliseconds) {
            registry.closed(self)
        }
    }

    /// Shutdown: an idle connection closes now; a busy one once its current answer is out
    /// (`deliver` sees the registry draining and marks that answer `Connection: close`).
    func drain() {
        if inFlight == nil && !decoder.isMidRequest && outbound.isEmpty {
            registry.closed(self)
        }
    }
}
