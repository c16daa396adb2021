import Gateway
import Glibc

/// Each connection is a descriptor, and containers start processes with a soft limit of 1024
/// open files: past it `accept` fails and clients hang. `serve` raises its soft limit to the
/// hard one, as systemd's `LimitNOFILE` would; when even that is short of `max_connections`
/// plus room for the log, snapshots and API connections, it lowers the connection cap to fit,
/// so a connection past it gets the listener's 503 rather than an `accept` that fails.
enum OpenFileLimit {
    static let headroom = 256

    /// The connection cap to run with: `maxConnections`, or less if the descriptors are short.
    static func raise(for maxConnections: Int, logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return maxConnections }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let wanted = rlim_t(maxConnections + headroom)
        guard limit.rlim_cur < wanted else { return maxConnections }
        let fits = max(1, Int(limit.rlim_cur) - headroom)
        logger.warning("the open-file limit is below max_connections plus room for the log: serving at most \(fits) connections",
                       [("limit", "\(limit.rlim_cur)"), ("max_connections", "\(maxConnections)"),
                        ("fix", "raise it (ulimit -n, LimitNOFILE, --ulimit nofile) or lower max_connections")])
        return fits
    }
}
