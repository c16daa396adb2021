import Glibc

/// How new work reaches a subscriber's worker: it waits in `poll` on its connections, so it
/// is woken through a socket pair it polls alongside them.
final class LaneWaker: Sendable {
    /// [read end, write end]; nil if the pair could not be made.
    private let pair: [Int32]?

    init() {
        var fds: [Int32] = [-1, -1]
        let rc = socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0, &fds)
        // Without it the worker still polls at least every second: slower, not broken.
        pair = rc == 0 ? fds : nil
    }

    deinit {
        if let pair { pair.forEach { _ = close($0) } }
    }

    /// The descriptor the worker watches for readability.
    var pollDescriptor: Int32? { pair?[0] }

    func signal(_ count: Int) {
        guard count > 0, let pair else { return }
        var byte: UInt8 = 1
        // A full buffer means a wake-up is already pending.
        _ = send(pair[1], &byte, 1, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
    }

    /// Empties the socket after it turned readable.
    func drain() {
        guard let pair else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while recv(pair[0], &buffer, buffer.count, 0) > 0 {}
    }
}
