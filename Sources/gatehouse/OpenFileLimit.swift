import Gateway
import Glibc

/// Each connection is a descriptor, and containers start processes with a soft limit of 1024
/// open files: past it `accept` fails and clients hang. `serve` raises its soft limit to the
/// hard one, as systemd's `LimitNOFILE` would, and says when even that is short of
/// `max_connections` plus room for the log, snapshots and API connections.
enum OpenFileLimit {
    static let headroom = 256

    static func raise(for maxConnections: Int, logger: Logger) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let wanted = rlim_t(maxConnections + headroom)
        if limit.rlim_cur < wanted {
            logger.warning("the open-file limit is below max_connections plus room for the log: connections past it will be refused",
                           [("limit", "\(limit.rlim_cur)"), ("max_connections", "\(maxConnections)"),
                            ("fix", "raise it (ulimit -n, LimitNOFILE, --ulimit nofile) or lower max_connections")])
        }
    }
}
