import Glibc

/// SIGTERM and SIGINT, taken by the main thread alone through `sigwait`: `block()` must run
/// before any other thread starts, so every thread inherits the mask. SIGPIPE is ignored
/// (a peer that hangs up shows as a failed write instead).
struct StopSignals {
    private var set = sigset_t()

    static func block() -> StopSignals {
        var signals = StopSignals()
        sigemptyset(&signals.set)
        sigaddset(&signals.set, SIGTERM)
        sigaddset(&signals.set, SIGINT)
        pthread_sigmask(SIG_BLOCK, &signals.set, nil)
        signal(SIGPIPE, SIG_IGN)
        return signals
    }

    /// Waits for one of them.
    mutating func wait() {
        var received: Int32 = 0
        sigwait(&set, &received)
    }
}
