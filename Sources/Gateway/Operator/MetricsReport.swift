/// `GET /metrics`: the gateway's counters and gauges for Prometheus. Labels are bounded
/// sets (sources, rejection reasons, APIs, outcomes, job states): never event or job ids.
enum MetricsReport {
    static func render(gateway: Gateway) -> String {
        let services = gateway.operatorServices
        services.tail.catchUp()
        let http = gateway.server?.counters.snapshot()
        let log = gateway.log.stats()
        let state = StateFigures.read(gateway.store)
        let intake = gateway.intake.counters.snapshot()
        let sources = gateway.catalog.sources.keys.sorted()
        typealias S = PrometheusText.Sample
        var out = PrometheusText()

        out.family("gatehouse_build_info", .gauge, "Always 1; the version label says which gatehouse is running.",
                   [S([("version", Gateway.version)], 1)])
        out.family("gatehouse_start_time_seconds", .gauge, "When this gateway process started, in unix seconds.", Int(gateway.startedAt))
        out.family("gatehouse_ready", .gauge, "1 while the gateway accepts webhooks, 0 while starting or draining.", gateway.isReady ? 1 : 0)

        out.family("gatehouse_requests_total", .counter, "HTTP requests received by the listener.", http?.requests ?? 0)
        out.family("gatehouse_connections_accepted_total", .counter, "TCP connections accepted.", http?.acceptedConnections ?? 0)
        out.family("gatehouse_connections_refused_total", .counter, "Connections closed at once because max_connections was reached.",
                   http?.refusedConnections ?? 0)
        out.family("gatehouse_http_rejections_total", .counter, "Requests refused by the HTTP framing rules or timeouts, by reason.",
                   (http?.rejections ?? [:]).sorted { $0.key < $1.key }.map { S([("reason", $0.key)], $0.value) })
        out.family("gatehouse_open_connections", .gauge, "Connections open now.", http?.openConnections ?? 0)

        out.family("gatehouse_webhooks_accepted_total", .counter, "Webhooks verified and made durable in the log, by source (whole log).",
                   sources.map { S([("source", $0)], state.acceptedBySource[$0] ?? 0) })
        var rejected: [S] = []
        for source in sources {
            for (reason, count) in (intake[source]?.rejected ?? [:]).sorted(by: { $0.key < $1.key }) {
                rejected.append(S([("source", source), ("reason", reason)], count))
            }
        }
        out.family("gatehouse_webhooks_rejected_total", .counter, "Webhooks refused, by source and reason, since start.", rejected)
        out.family("gatehouse_webhooks_duplicate_total", .counter, "Deliveries of events already accepted, by source, since start.",
                   sources.map { S([("source", $0)], intake[$0]?.duplicates ?? 0) })

        out.family("gatehouse_actions_total", .counter,
                   "Finished action attempts since start, by API and outcome (succeeded, retrying, failed, dead).",
                   services.tail.actionCounts().sorted { $0.key < $1.key }.map { S([("api", $0.key.api), ("status", $0.key.status)], $0.value) })
        out.family("gatehouse_jobs", .gauge, "Jobs by state.", state.jobCounts.map { S([("state", $0.state)], $0.count) })
        out.family("gatehouse_oldest_pending_age_seconds", .gauge,
                   "Seconds since the event of the oldest unfinished job arrived; 0 when none is open.",
                   Int(PendingAge.oldestSeconds(eventOffset: state.oldestOpenEventOffset, store: gateway.store) ?? 0))

        out.family("gatehouse_log_bytes", .gauge, "Bytes of log segments on disk.", Int(log.bytes))
        out.family("gatehouse_log_segments", .gauge, "Log segment files.", log.segments)
        out.family("gatehouse_log_queue_depth", .gauge, "Log appends waiting for the writer.", log.queueDepth)
        out.family("gatehouse_log_records_appended_total", .counter, "Records made durable since start.", Int(log.recordsAppended))
        out.family("gatehouse_log_batches_total", .counter, "Group-commit batches (one sync each) since start.", Int(log.batches))
        var fsync: [S] = []
        if let p50 = log.fsyncP50Micros { fsync.append(S([("quantile", "0.5")], Double(p50) / 1_000_000)) }
        if let p99 = log.fsyncP99Micros { fsync.append(S([("quantile", "0.99")], Double(p99) / 1_000_000)) }
        out.family("gatehouse_log_fsync_seconds", .gauge, "Log sync latency over recent batches, by quantile.", fsync)
        out.family("gatehouse_events_folded_total", .counter, "Log events applied to the in-memory state (whole log).", state.eventsApplied)
        return out.text
    }
}
