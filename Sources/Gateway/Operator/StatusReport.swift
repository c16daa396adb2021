import Routing
import EventLog
import HTTP1

/// The `GET /status` document, built from the owners of each figure at the moment asked.
struct StatusReport {
    static func build(gateway: Gateway) -> JSONValue {
        let http = gateway.server?.counters.snapshot()
        let log = gateway.log.stats()
        let folded = gateway.intake.snapshot()
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
                "average_group_size": .double(log.averageGroupSize),
                "last_error": log.lastError.map(JSONValue.string) ?? .null,
            ]),
            "events": .object([
                "applied": .int(Int64(folded.eventsApplied)),
                "unique": .int(Int64(folded.seen.count)),
            ]),
            "sources": .object(sources),
        ])
    }
}
