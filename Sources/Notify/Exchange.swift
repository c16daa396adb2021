import Glibc

/// One request on one connection of the polling worker, as a small state machine: connect
/// (trying each resolved address), the TLS handshake for `https://`, send, receive. Each
/// `advance` goes as far as the socket allows without blocking.
struct Exchange {
    enum Phase { case connecting, handshaking, sending, receiving }

    enum Step {
        /// Waiting for the socket: poll it for these events.
        case wait(Int16)
        case done(SendResult.Answer)
    }

    let delivery: OpenDelivery
    let request: [UInt8]
    /// Monotonic ns.
    let deadline: Int64
    let startedAt: Int64
    private(set) var phase = Phase.sending
    private var written = 0
    private var parser = HTTPResponseParser()
    /// The connection carried an earlier exchange (it may have been closed while idle).
    private var reused: Bool
    private var retriedFresh = false
    private var writeFailed = false
    /// Addresses not yet tried; nil until the host is resolved.
    private var untried: [ResolvedAddress]?
    private var lastConnectError = "no address"

    init(delivery: OpenDelivery, request: [UInt8], timeoutSeconds: Double, reusing: Bool) {
        self.delivery = delivery
        self.request = request
        startedAt = WallClock.monotonicNanoseconds()
        deadline = startedAt + Int64(max(0.001, timeoutSeconds) * 1_000_000_000)
        reused = reusing
    }

    /// What a timeout at this point is called.
    var timeoutDescription: String {
        switch phase {
        case .connecting: return "connecting"
        case .handshaking: return "in the TLS handshake"
        case .sending: return "sending the request"
        case .receiving: return parser.hasReceivedBytes ? "reading the answer" : "waiting for an answer"
        }
    }

    /// Opens a new connection (resolving and checking the host first): the SSRF guard
    /// applies to every connection, so a name re-pointed since config load is caught here.
    mutating func connect(_ connection: inout HTTPClientConnection?, target: DeliveryTarget, allowPrivate: Bool,
                          tls: TLSClientContext?) -> Step? {
        connection = nil
        if untried == nil {
            // The lookup counts against the attempt's own deadline.
            let left = Double(deadline - WallClock.monotonicNanoseconds()) / 1_000_000_000
            do { untried = try AddressGuard.resolve(target, allowPrivate: allowPrivate, within: left) } catch { return .done(.failure(error)) }
        }
        while let address = untried?.first {
            untried?.removeFirst()
            do {
                let (opened, pending) = try HTTPClientConnection.connect(to: address)
                connection = opened
                if pending {
                    phase = .connecting
                    return nil
                }
                return connected(opened, target: target, tls: tls)
            } catch {
                lastConnectError = error.description
            }
        }
        return .done(.failure(.connectFailed(lastConnectError)))
    }

    /// The socket is connected: TLS starts for an `https://` target, else the request goes.
    private mutating func connected(_ c: HTTPClientConnection, target: DeliveryTarget, tls: TLSClientContext?) -> Step? {
        guard let tls else {
            phase = .sending
            return nil
        }
        guard c.startTLS(tls, host: target.host) else { return .done(.failure(.transport(c.tlsFailure ?? "TLS could not start"))) }
        phase = .handshaking
        return nil
    }

    mutating func advance(_ connection: inout HTTPClientConnection?, events polledEvents: Int16, buffer: inout [UInt8],
                          target: DeliveryTarget, allowPrivate: Bool, tls: TLSClientContext?) -> Step {
        var events = polledEvents
        while true {
            guard let c = connection else {
                if let step = connect(&connection, target: target, allowPrivate: allowPrivate, tls: tls) { return step }
                events = 0  // a new socket: its readiness is not known yet
                continue
            }
            switch phase {
            case .connecting:
                guard events & Int16(POLLOUT | POLLERR | POLLHUP) != 0 else { return .wait(Int16(POLLOUT)) }
                let error = c.connectError
                if error == 0 {
                    if let step = connected(c, target: target, tls: tls) { return step }
                    continue
                }
                lastConnectError = "\(c.address.text) port \(c.address.port): \(HTTPClientConnection.errorText(error))"
                if let step = connect(&connection, target: target, allowPrivate: allowPrivate, tls: tls) { return step }
                events = 0
            case .handshaking:
                switch c.handshake() {
                case .progress:
                    phase = .sending
                case .wouldBlock:
                    return .wait(c.wanted)
                case .closed:
                    return .done(.failure(.transport(c.tlsFailure ?? "TLS: \(target.host) closed the connection in the handshake")))
                case .failed(let code):
                    return .done(.failure(.transport(c.tlsFailure ?? "TLS handshake: \(HTTPClientConnection.errorText(code))")))
                }
            case .sending:
                switch c.write(request, from: written) {
                case .progress(let n):
                    written += n
                    if written == request.count {
                        phase = .receiving
                        return .wait(Int16(POLLIN))
                    }
                case .wouldBlock:
                    return .wait(c.wanted)
                case .closed, .failed:
                    // The peer may have answered before it stopped reading (413, say).
                    writeFailed = true
                    phase = .receiving
                }
            case .receiving:
                let io = buffer.withUnsafeMutableBytes { c.read(into: $0) }
                switch io {
                case .progress(let n):
                    buffer.withUnsafeBytes { parser.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    do {
                        if let response = try parser.next() { return .done(.response(response)) }
                    } catch {
                        return .done(.failure(.malformedResponse(error.reason)))
                    }
                case .wouldBlock:
                    return .wait(c.wanted)
                case .closed:
                    if let response = try? parser.endOfStream() { return .done(.response(response)) }
                    if let step = closed("by the peer", &connection, target: target, allowPrivate: allowPrivate, tls: tls) { return step }
                    events = 0
                case .failed(let code):
                    if let step = closed("(\(c.tlsFailure ?? HTTPClientConnection.errorText(code)))", &connection, target: target,
                                         allowPrivate: allowPrivate, tls: tls) { return step }
                    events = 0
                }
            }
        }
    }

    /// The peer closed: a reused connection closed before any answer was most likely closed
    /// while idle, so the request goes once more on a new connection (receivers drop
    /// repeats by webhook-id); otherwise the attempt failed.
    private mutating func closed(_ how: String, _ connection: inout HTTPClientConnection?,
                                 target: DeliveryTarget, allowPrivate: Bool, tls: TLSClientContext?) -> Step? {
        let why = how + (writeFailed ? " while sending" : "")
        guard !parser.hasReceivedBytes else { return .done(.failure(.connectionClosed(why))) }
        guard reused && !retriedFresh else { return .done(.failure(.closedBeforeAnswer(why))) }
        retriedFresh = true
        reused = false
        written = 0
        writeFailed = false
        parser = HTTPResponseParser()
        return connect(&connection, target: target, allowPrivate: allowPrivate, tls: tls)
    }
}
