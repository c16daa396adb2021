import Foundation
import Gateway
import Glibc
import Synchronization

/// SIGTERM and SIGINT, taken by one thread of their own through `sigwait`: `block()` must run
/// before any other thread starts, so every thread inherits the mask. SIGPIPE is ignored
/// (a peer that hangs up shows as a failed write instead).
///
/// What a signal does depends on when it comes:
/// - while starting (folding a long log, say), the process exits at once rather than finish
///   a start nobody wants: nothing was acknowledged yet that the next start would not recover;
/// - while serving, the clean stop begins (`waitForStop` returns);
/// - during the clean stop, a second one exits at once, for a stop stuck on a device: every
///   acknowledged webhook is already durable, and work in flight resumes at the next start,
///   as after a crash.
final class StopSignals: Sendable {
    private enum Phase { case starting, serving, stopping }

    private let phase = Mutex(Phase.starting)
    private let stop = DispatchSemaphore(value: 0)

    private init() {}

    private static func stopSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGTERM)
        sigaddset(&set, SIGINT)
        return set
    }

    static func block(logger: Logger) -> StopSignals {
        var set = stopSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        signal(SIGPIPE, SIG_IGN)
        let signals = StopSignals()
        let watcher = Thread {
            while true {
                var received: Int32 = 0
                var waited = stopSet()
                sigwait(&waited, &received)
                signals.received(received, logger: logger)
            }
        }
        watcher.start()
        return signals
    }

    private func received(_ number: Int32, logger: Logger) {
        let name = number == SIGINT ? "SIGINT" : "SIGTERM"
        let before = phase.withLock { p -> Phase in
            defer { if p == .serving { p = .stopping } }
            return p
        }
        switch before {
        case .starting:
            logger.warning("\(name) while starting: exiting now; the next start recovers from the log")
            _exit(1)
        case .serving:
            logger.info("\(name): stopping cleanly (a second signal exits at once)")
            stop.signal()
        case .stopping:
            logger.warning("\(name) again during the stop: exiting now; acknowledged webhooks are durable, work in flight resumes at the next start")
            _exit(1)
        }
    }

    /// The start is done: from now on a signal asks for a clean stop.
    func serving() {
        phase.withLock { if $0 == .starting { $0 = .serving } }
    }

    /// Waits for the signal that begins the clean stop.
    func waitForStop() {
        stop.wait()
    }
}
