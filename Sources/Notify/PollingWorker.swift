import Glibc

/// The worker of one subscriber (`http://` or `https://`): drives up to `concurrency`
/// keep-alive connections from one thread with poll(2). Connections cost no threads, one
/// slow answer holds only its own connection, and one wake-up serves every answer that
/// arrived together.
final class PollingWorker {
    private struct Slot {
        var connection: HTTPClientConnection?
        var exchange: Exchange?
        /// What the exchange waits for (TLS can need to read while sending, and back).
        var waitingFor = Int16(POLLOUT)
    }

    /// A kept-alive connection used this recently is taken on trust (checking costs a
    /// syscall; if the peer did close it, the request goes again on a new one).
    static let trustIdleNanoseconds: Int64 = 1_000_000_000
    /// Connections are re-resolved (and re-checked) at least this often.
    static let maxConnectionAgeNanoseconds: Int64 = 60 * 1_000_000_000

    private let lane: SubscriberLane
    private var slots: [Slot]
    private var outcomes: [DeliveryEvent] = []
    private var buffer = [UInt8](repeating: 0, count: 16 * 1024)
    private var pollSet: [pollfd] = []
    private var polled: [Int] = []

    init(lane: SubscriberLane) {
        self.lane = lane
        slots = Array(repeating: Slot(), count: lane.policy.concurrency)
    }

    func run() {
        // OpenSSL writes to TLS sockets without MSG_NOSIGNAL: a peer's reset must be an EPIPE
        // for this worker, not a signal that ends any process hosting it.
        var pipe = sigset_t()
        sigemptyset(&pipe)
        sigaddset(&pipe, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipe, nil)
        var waitingForWork = false
        var signalled = false
        var stopping = false
        var nextWorkAt: Int64?
        while true {
            if lane.abort.isRaised {
                for i in slots.indices { if let ex = slots[i].exchange { lane.abandon(ex.delivery) } }
                lane.flush(&outcomes)
                return
            }
            let free = slots.indices.filter { slots[$0].exchange == nil }
            if !stopping && !free.isEmpty {
                let wake: LaneSchedule.Wake? = waitingForWork ? (signalled ? .signalled : .timedOut) : nil
                switch lane.take(now: WallClock.milliseconds(), limit: free.count, workers: 1, after: wake) {
                case .stop:
                    stopping = true
                    waitingForWork = false
                case .wait(let until):
                    waitingForWork = true
                    nextWorkAt = until
                case .work(let batch):
                    waitingForWork = false
                    nextWorkAt = nil
                    if !batch.isEmpty && lane.recordStarts(batch) {
                        for (slot, delivery) in zip(free, batch) { begin(delivery, in: slot) }
                    }
                }
                signalled = false
            }
            lane.flush(&outcomes)
            let busy = slots.contains { $0.exchange != nil }
            if stopping && !busy { return }
            signalled = wait(forWork: waitingForWork ? (nextWorkAt ?? Int64.max) : nil) || signalled
            expire()
            lane.flush(&outcomes)
        }
    }

    // MARK: - Exchanges

    private func begin(_ delivery: OpenDelivery, in i: Int) {
        let request: OutboundRequest
        switch lane.prepare(delivery) {
        case .refuse(let verdict):
            _ = lane.finish(delivery, verdict, outcomes: &outcomes)
            return
        case .send(let prepared):
            request = prepared
        }
        var reusing = false
        if let c = slots[i].connection {
            let now = WallClock.monotonicNanoseconds()
            reusing = now - c.openedAt < Self.maxConnectionAgeNanoseconds
                && (now - c.lastUsed < Self.trustIdleNanoseconds || !c.isStale)
            if !reusing { slots[i].connection = nil }
        }
        slots[i].exchange = Exchange(delivery: delivery, request: request.wireBytes(),
                                     timeoutSeconds: lane.policy.timeoutSeconds, reusing: reusing)
        // Straight away: a fresh request on a ready connection usually leaves in one write.
        step(i, events: Int16(POLLOUT))
    }

    /// Advances slot `i`'s exchange after `events`; finishes it if it is done.
    private func step(_ i: Int, events: Int16) {
        guard var exchange = slots[i].exchange, let target = lane.target else { return }
        slots[i].exchange = nil  // one owner while it changes: no copy-on-write of its buffers
        let result = exchange.advance(&slots[i].connection, events: events, buffer: &buffer,
                                      target: target, allowPrivate: lane.allowPrivate, tls: lane.tls)
        slots[i].exchange = exchange
        switch result {
        case .done(let answer): finish(i, answer)
        case .wait(let wanted): slots[i].waitingFor = wanted
        }
    }

    private func finish(_ i: Int, _ answer: SendResult.Answer) {
        guard let exchange = slots[i].exchange else { return }
        slots[i].exchange = nil
        if case .response(let response) = answer, response.reusable {
            slots[i].connection?.lastUsed = WallClock.monotonicNanoseconds()
        } else {
            slots[i].connection = nil
        }
        let latency = (WallClock.monotonicNanoseconds() - exchange.startedAt) / 1_000_000
        guard let verdict = lane.judge(SendResult(answer: answer, latencyMs: latency)) else {
            lane.abandon(exchange.delivery)
            return
        }
        _ = lane.finish(exchange.delivery, verdict, outcomes: &outcomes)
    }

    /// Fails exchanges whose time is up.
    private func expire() {
        let now = WallClock.monotonicNanoseconds()
        for i in slots.indices {
            guard let exchange = slots[i].exchange, now >= exchange.deadline else { continue }
            finish(i, .failure(.timedOut(exchange.timeoutDescription)))
        }
    }

    // MARK: - Waiting

    /// Polls the connections with something under way and the wake-up socket, until one is
    /// ready, the nearest deadline, or `forWork` (unix ms; nil: no new work wanted). Returns
    /// whether the lane signalled.
    private func wait(forWork: Int64?) -> Bool {
        pollSet.removeAll(keepingCapacity: true)
        polled.removeAll(keepingCapacity: true)
        if let fd = lane.waker.pollDescriptor {
            pollSet.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        let wakeEntries = pollSet.count
        let nowMono = WallClock.monotonicNanoseconds()
        var timeout: Int64 = 1000
        for i in slots.indices {
            guard let exchange = slots[i].exchange, let c = slots[i].connection else { continue }
            timeout = min(timeout, max(0, (exchange.deadline - nowMono + 999_999) / 1_000_000))
            pollSet.append(pollfd(fd: c.fd, events: slots[i].waitingFor, revents: 0))
            polled.append(i)
        }
        if let forWork { timeout = min(timeout, max(0, forWork - WallClock.milliseconds())) }
        let rc = pollSet.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), Int32(timeout)) }
        guard rc > 0 else { return false }
        var signalled = false
        if wakeEntries == 1 && pollSet[0].revents != 0 {
            lane.waker.drain()
            signalled = true
        }
        for (k, i) in polled.enumerated() {
            let revents = pollSet[wakeEntries + k].revents
            if revents != 0 { step(i, events: revents) }
        }
        return signalled
    }
}
