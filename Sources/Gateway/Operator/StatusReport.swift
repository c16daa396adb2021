import Routing
import EventLog
import HTTP1

/// The `GET /status` document, built from the owners of each figure at the moment asked.
struct StatusReport {
    /// Jobs by the API of the action they are at (or ended on), with the last error seen.
    static func apis(_ state: borrowing GatewayState) -> JSONValue {
        struct Tally { var counts: [String: Int64] = [:]; var lastError: String?; var lastErrorAt: Int64 = 0; var oldestPending: Int64? }
        var tallies: [String: Tally] = [:]
        for job in state.jobs.values {
            let action = job.currentAction ?? job.plan.actions.last
            guard let api = action?.api else { continue }
            var t = tallies[api, default: Tally()]
            let label: String
            switch job.status {
            case .pending: label = job.attempts > 0 ? "retrying" : "pending"
            case .inFlight: label = "in_flight"
            case .succeeded: label = "succeeded"
            case .failed: label = "failed"
            case .dead: label = "dead"
            }
            t.counts[label, default: 0] += 1
            if let at = job.lastErrorAt, at > t.lastErrorAt { t.lastErrorAt = at; t.lastError = job.lastError }
            if !job.isFinished { t.oldestPending = min(t.oldestPending ?? job.dueAt, job.dueAt) }
            tallies[api] = t
        }
        // Succeeded jobs are settled: counted per API, with the errors they got past.
        for (api, count) in state.succeededJobsByAPI { tallies[api, default: Tally()].counts["succeeded", default: 0] += Int64(count) }
        for (api, last) in state.settledLastErrors where last.at > tallies[api, default: Tally()].lastErrorAt {
            tallies[api, default: Tally()].lastErrorAt = last.at
            tallies[api, default: Tally()].lastError = last.error
        }
        // Finished jobs retention forgot still count: these are totals.
        for (key, count) in state.retiredJobs {
            tallies[key.api, default: Tally()].counts[key.status.rawValue, default: 0] += Int64(count)
        }
        var out: [String: JSONValue] = [:]
        for (api, t) in tallies {
            var fields: [String: JSONValue] = [:]
            for label in ["pending", "in_flight", "retrying", "succeeded", "failed", "dead"] { fields[label] = .int(t.counts[label] ?? 0) }
            fields["last_error"] = t.lastError.map(JSONValue.string) ?? .null
            fields["last_error_at"] = t.lastError == nil ? .null : .string(Clock.iso8601(milliseconds: t.lastErrorAt))
            out[api] = .object(fields)
        }
        return .object(out)
    }

    /// The last hour per minute, oldest first: what the status page charts.
    static func rates(_ history: RateHistory, now: Int64) -> JSONValue {
        let series = history.series(now: now)
        return .object([
            "minutes": .int(Int64(series.count)),
            "first_minute_at": .string(Clock.iso8601(milliseconds: (series.first?.minute ?? 0) * 60_000)),
            "accepted_per_minute": .array(series.map { .int(Int64($0.accepted)) }),
            "action_successes_per_minute": .array(series.map { .int(Int64($0.succeeded)) }),
            "action_failures_per_minute": .array(series.map { .int(Int64($0.failed)) }),
        ])
    }

    static func build(gateway: Gateway) -> JSONValue {
        gateway.operatorServices.tail.catchUp()
        let now = Clock.unixMilliseconds()
        let http = gateway.server?.counters.snapshot()
        let log = gateway.log.stats()
        let folded = StateFigures.read(gateway.store, subscribers: gateway.configuration.subscribers.map(\.config.id))
        let refused = gateway.intake.counters.snapshot()
        var sources: [String: JSONValue] = [:]
        for name in gateway.catalog.sources.keys.sorted() {
            let tally = refused[name] ?? IntakeCounters.SourceTally()
            sources[name] = .object([
                "accepted": .int(Int64(folded.acceptedBySource[name] ?? 0)),
                "duplicates": .int(Int64(tally.duplicates)),
                "rejected": .object(tally.rejected.mapValues { .int(Int64($0)) }),
            ])
        }
        return .object([
            "version": .string(Gateway.version),
            "uptime_seconds": .int(Clock.unixSeconds() - gateway.startedAt),
            "ready": .bool(gateway.isReady),
            "listener": .object([
                "open_connections": .int(Int64(http?.openConnections ?? 0)),
                "accepted_connections": .int(Int64(http?.acceptedConnections ?? 0)),
                "refused_connections": .int(Int64(http?.refusedConnections ?? 0)),
                "requests": .int(Int64(http?.requests ?? 0)),
                "rejections": .object((http?.rejections ?? [:]).mapValues { .int(Int64($0)) }),
            ]),
            "log": .object([
                "segments": .int(Int64(log.segments)),
                "bytes": .int(Int64(log.bytes)),
                "durable_end": .int(Int64(log.durableEnd)),
                "records_appended": .int(Int64(log.recordsAppended)),
                "batches": .int(Int64(log.batches)),
                "queue_depth": .int(Int64(log.queueDepth)),
                "fsync_p50_us": log.fsyncP50Micros.map { .int(Int64($0)) } ?? .null,
                "fsync_p99_us": log.fsyncP99Micros.map { .int(Int64($0)) } ?? .null,
                "fsync_max_us": .int(Int64(log.fsyncMaxMicros)),
                "fsyncs_over_20ms": .int(Int64(log.fsyncsOver20ms)),
                "average_group_size": .double(log.averageGroupSize),
                "segments_recycled": .int(Int64(log.segmentsRecycled)),
                "last_error": log.lastError.map(JSONValue.string) ?? .null,
            ]),
            "events": .object([
                "applied": .int(Int64(folded.eventsApplied)),
                "unique": .int(Int64(folded.unique)),
            ]),
            "sources": .object(sources),
            "apis": folded.apis,
            "subscribers": folded.subscribers,
            "jobs": .object(Dictionary(uniqueKeysWithValues: folded.jobCounts.map { ($0.state, JSONValue.int(Int64($0.count))) })),
            "oldest_pending_age_seconds": PendingAge.oldestSeconds(eventOffset: folded.oldestOpenEventOffset, store: gateway.store, now: now).map(JSONValue.int) ?? .null,
            "rates": rates(gateway.operatorServices.rates, now: now),
            "operator_auth": .string(gateway.operatorServices.authMode),
        ])
    }
}
