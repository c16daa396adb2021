import Dispatch
import Glibc

/// How new work reaches a subscriber's waiting workers: blocking (https) workers wait on a
/// semaphore; the polling (http) worker waits in `poll`, so it is woken through a socket
/// pair it polls alongside its connections.
final class LaneWaker: Sendable {
    private let semaphore: DispatchSemaphore?
    /// [read end, write end] for the polling worker; nil for blocking workers.
    private let pair: [Int32]?

    init(polling: Bool) {
        if polling {
            var fds: [Int32] = [-1, -1]
            let rc = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0, &fds)
            // Without it the worker still polls at least every second: slower, not broken.
            pair = rc == 0 ? fds : nil
            semaphore = nil
        } else {
            pair = nil
            semaphore = DispatchSemaphore(value: 0)
        }
    }

    deinit {
        if let pair { pair.forEach { _ = close($0) } }
    }

    /// The descriptor the polling worker watches for readability.
    var pollDescriptor: Int32? { pair?[0] }

    func signal(_ count: Int) {
        guard count > 0 else { return }
        if let semaphore {
            for _ in 0..<count { semaphore.signal() }
        } else if let pair {
            var byte: UInt8 = 1
            // A full buffer means a wake-up is already pending.
            _ = send(pair[1], &byte, 1, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
        }
    }

    /// Blocking workers: true if woken by a signal, false on timeout.
    func wait(milliseconds: Int64) -> Bool {
        semaphore?.wait(timeout: .now() + .milliseconds(Int(max(1, milliseconds)))) == .success
    }

    /// Polling worker: empties the socket after it turned readable.
    func drain() {
        guard let pair else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while recv(pair[0], &buffer, buffer.count, 0) > 0 {}
    }
}
