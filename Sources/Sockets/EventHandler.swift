/// Something registered with an `EventLoop` for readiness events on one file descriptor.
/// Called only on that loop's thread, so implementations need no locks of their own.
public protocol EventHandler: AnyObject {
    func handle(events: UInt32, on loop: EventLoop)
}

/// The readiness bits, named so callers need not import the epoll shim.
public enum Readiness {
    public static let readable: UInt32 = 0x001   // EPOLLIN
    public static let writable: UInt32 = 0x004   // EPOLLOUT
    public static let error: UInt32 = 0x008      // EPOLLERR
    public static let hangup: UInt32 = 0x010     // EPOLLHUP
    public static let peerClosed: UInt32 = 0x2000 // EPOLLRDHUP
}
