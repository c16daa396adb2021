import CLinux
import Glibc
import Synchronization

/// One thread, one epoll instance. Handlers and their state belong to the loop's thread;
/// other threads reach them only through `execute`, which queues a task and wakes the loop
/// through an eventfd. That single rule is why the class can be `@unchecked Sendable`:
/// every mutable field below except `tasks` is touched on the loop thread only.
public final class EventLoop: @unchecked Sendable {
    public let index: Int
    private let epfd: Int32
    private let wakeFd: Int32
    private var handlers: [Int32: EventHandler] = [:]
    private let tasks = Mutex<[@Sendable () -> Void]>([])
    private let running = Atomic<Bool>(true)
    private var thread: pthread_t?
    private var ticks: [() -> Void] = []
    /// How often tick callbacks (timeouts, cached clocks) run.
    public let tickMilliseconds: Int32

    public init(index: Int, tickMilliseconds: Int32 = 250) throws(SocketError) {
        self.index = index
        self.tickMilliseconds = tickMilliseconds
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw SocketError.last("epoll_create1") }
        wakeFd = eventfd(0, Int32(EFD_NONBLOCK) | Int32(EFD_CLOEXEC))
        guard wakeFd >= 0 else { throw SocketError.last("eventfd") }
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue
        ev.data.fd = wakeFd
        epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFd, &ev)
    }

    deinit {
        close(epfd)
        close(wakeFd)
    }

    // MARK: - Loop thread only

    public func register(fd: Int32, events: UInt32, handler: EventHandler) throws(SocketError) {
        var ev = epoll_event()
        ev.events = events
        ev.data.fd = fd
        guard epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) == 0 else { throw SocketError.last("epoll_ctl add") }
        handlers[fd] = handler
    }

    public func modify(fd: Int32, events: UInt32) {
        var ev = epoll_event()
        ev.events = events
        ev.data.fd = fd
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev)
    }

    public func deregister(fd: Int32) {
        epoll_ctl(epfd, EPOLL_CTL_DEL, fd, nil)
        handlers[fd] = nil
    }

    /// Adds a callback run every `tickMilliseconds` on the loop thread.
    public func onTick(_ body: @escaping () -> Void) { ticks.append(body) }

    public var isCurrent: Bool {
        guard let thread else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    // MARK: - Any thread

    /// Runs `task` on the loop thread soon. Safe from any thread.
    public func execute(_ task: @escaping @Sendable () -> Void) {
        // Only the task that finds the queue empty needs to wake the loop: the loop drains
        // the whole queue each time, so later tasks ride on the same wakeup. Under load this
        // turns one eventfd write per answer into one per batch.
        let wasEmpty = tasks.withLock { queued -> Bool in
            queued.append(task)
            return queued.count == 1
        }
        guard wasEmpty else { return }
        var one: UInt64 = 1
        _ = write(wakeFd, &one, 8)
    }

    /// Asks `run` to return after the current iteration.
    public func stop() {
        running.store(false, ordering: .releasing)
        var one: UInt64 = 1
        _ = write(wakeFd, &one, 8)
    }

    /// Runs the loop on the calling thread until `stop`.
    public func run() {
        thread = pthread_self()
        let capacity: Int32 = 512
        var events = [epoll_event](repeating: epoll_event(), count: Int(capacity))
        var nextTick = Self.monotonicMilliseconds() + Int64(tickMilliseconds)
        while running.load(ordering: .acquiring) {
            let wait = max(0, nextTick - Self.monotonicMilliseconds())
            let n = events.withUnsafeMutableBufferPointer { epoll_wait(epfd, $0.baseAddress, capacity, Int32(wait)) }
            if n < 0 && gh_errno() != EINTR { break }
            for i in 0..<max(0, Int(n)) {
                let fd = events[i].data.fd
                if fd == wakeFd {
                    var value: UInt64 = 0
                    _ = read(wakeFd, &value, 8)
                } else if let handler = handlers[fd] {
                    handler.handle(events: events[i].events, on: self)
                }
            }
            runTasks()
            let now = Self.monotonicMilliseconds()
            if now >= nextTick {
                for tick in ticks { tick() }
                nextTick = now + Int64(tickMilliseconds)
            }
        }
        runTasks()
    }

    private func runTasks() {
        while true {
            let batch = tasks.withLock { queued -> [@Sendable () -> Void] in
                let taken = queued
                queued.removeAll(keepingCapacity: true)
                return taken
            }
            if batch.isEmpty { return }
            for task in batch { task() }
        }
    }

    public static func monotonicMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
