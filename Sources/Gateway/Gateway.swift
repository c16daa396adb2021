import Connectors
import EventLog
import Foundation
import HTTP1
import Notify
import Sockets
import Synchronization

/// The running gateway: owns the data folder, the log, the folded state and the listener,
/// and wires the data path socket → request → verify → log.
public final class Gateway: Sendable {
    public static let version = "0.1.0"

    public let configuration: GatewayConfiguration
    let logger: Logger
    let dataDirectory: DataDirectory
    let log: FileLog
    let catalog: SourceCatalog
    let store: EventStore
    let intake: WebhookIntake
    let engine: ActionEngine
    let notifier: Notifier
    /// False when the start found the whole log in a snapshot, as a clean stop leaves it:
    /// then no append can have been cut short (see `repairNotifications`).
    private let lastAppendMayBeCut: Bool
    /// The operator endpoints' token digest, log tail, rates and event index.
    let operatorServices: OperatorServices
    /// Writes checkpoints of the state (nil when snapshots are off).
    let snapshotScheduler: SnapshotScheduler?
    /// Removes old finished segments and forgets old ids (nil when snapshots are off).
    let retention: RetentionSweeper?
    let startedAt = Clock.unixSeconds()
    private let serverBox = Mutex<HTTPServer?>(nil)
    private let ready = Atomic<Bool>(false)
    /// One operator change (re-drive, remap, redelivery) at a time, whichever thread asks: two
    /// remaps reading the same planned rules would each plan the missing ones.
    let operatorChanges = Mutex<Void>(())

    var server: HTTPServer? { serverBox.withLock { $0 } }
    /// The folded state right now (a copy: cheap, copy-on-write).
    public var state: GatewayState { store.snapshot() }
    public var isReady: Bool { ready.load(ordering: .relaxed) }

    /// Opens the data folder, loads the routes, recovers the log and folds it into state.
    /// Throws a `ConfigurationError` or `LogError` that says what to fix.
    /// `connectors` replaces the API section of the configuration (the executable passes the
    /// simulators' endpoints when `apis.simulate` is on).
    /// `offline`: opened by a recovery verb, which never receives or sends a webhook, so
    /// a secret it finds missing is replaced by one held in memory (never written), also with
    /// `dev_secrets` off: an operator re-driving work need not hold the webhook keys.
    public init(configuration: GatewayConfiguration, secrets: SecretResolver = SecretResolver(), logger: Logger = Logger(),
                connectors: ConnectorSettings? = nil, offline: Bool = false) throws {
        self.configuration = configuration
        self.logger = logger
        dataDirectory = try DataDirectory(path: configuration.data)
        let devSecrets = configuration.devSecrets || offline
            ? DevelopmentSecrets(directory: dataDirectory.devSecretsPath, writesMissing: !offline) : nil
        catalog = try SourceCatalog.load(directory: configuration.routes, secrets: secrets,
                                         devSecrets: devSecrets,
                                         logger: logger)
        for source in catalog.sources.values.sorted(by: { $0.name < $1.name }) {
            logger.info("source loaded", [("source", source.name), ("scheme", source.scheme.name),
                                          ("path", "/webhooks/\(source.name)"), ("secret", source.secretOrigin)])
        }
        let started = Date()
        let snapshots = configuration.snapshots.enabled
            ? try SnapshotStore(directory: dataDirectory.snapshotsPath, keep: configuration.snapshots.keep) : nil
        let prefetched = SnapshotPrefetch(snapshots)
        log = try FileLog.open(directory: dataDirectory.logPath, options: try Self.logOptions(configuration))
        logger.info("log opened", [("folder", dataDirectory.logPath), ("recovery", log.recovery.summary)])
        let recovered = try StateRecovery.recover(log, snapshots: snapshots, prefetched: prefetched, logger: logger)
        let folded = recovered.state
        lastAppendMayBeCut = !(recovered.fromSnapshot && recovered.recordsFolded == 0)
        logger.info("state rebuilt", [("from", recovered.summary), ("unique_events", "\(folded.uniqueEvents)"),
                                      ("seconds", String(format: "%.3f", Date().timeIntervalSince(started)))])
        let connectorSettings = try connectors ?? ConnectorSettingsResolver.resolve(configuration.apis, secrets: secrets)
        let store = EventStore(log: log, recovered: folded)
        self.store = store
        let snapshotScheduler = snapshots.map {
            SnapshotScheduler(store: store, snapshots: $0, everyRecords: configuration.snapshots.everyRecords,
                              minIntervalSeconds: configuration.snapshots.minIntervalSeconds,
                              recordsAtStart: folded.eventsApplied - recovered.recordsFolded, logger: logger)
        }
        self.snapshotScheduler = snapshotScheduler
        retention = snapshotScheduler.map { RetentionSweeper(settings: configuration.retention, store: store, snapshots: $0, logger: logger) }
        try RetentionSweeper.checkArchive(configuration.retention.archive, logDirectory: dataDirectory.logPath)
        if retention == nil && (configuration.retention.maxAgeSeconds > 0 || configuration.retention.dedupeWindowSeconds > 0) {
            throw ConfigurationError("retention needs snapshots (snapshots.enabled): a snapshot keeps what retention forgets")
        }
        for warning in RetentionSweeper.replayWarnings(windowSeconds: configuration.retention.dedupeWindowSeconds,
                                                       sources: Array(catalog.sources.values)) {
            logger.warning(warning)
        }
        if log.firstOffset > 0 && !recovered.fromSnapshot && recovered.refusedSnapshots > 0 {
            // Once retention removed segments, a snapshot is the only copy of what they held
            // (dedupe ids, counts, settled work). Folding the rest of the log would start
            // without it, and the next snapshots would push the refused one out for good.
            throw ConfigurationError("the log starts at offset \(log.firstOffset) (older segments were removed by retention) and "
                                     + "\(recovered.refusedSnapshots) snapshot file(s) in \(dataDirectory.snapshotsPath) could not be used (reasons above): "
                                     + "starting from the log alone would forget the ids and counts of the removed events. Start the build "
                                     + "that wrote the snapshot, or move the snapshots folder aside to start from the log alone")
        }
        if log.firstOffset > 0 && !recovered.fromSnapshot {
            logger.warning("the log starts at offset \(log.firstOffset) (older segments were removed by retention) and no snapshot matched: "
                           + "ids of events before it are no longer recognised as duplicates, and their counts are gone")
        }
        operatorServices = try OperatorServices(configuration: configuration, secrets: secrets, store: store, logger: logger,
                                                tokenOptional: offline)
        let router = EventRouter(rules: catalog.sources.mapValues(\.rules))
        let subscribers = try SubscriberKeys.resolve(configuration.subscribers, secrets: secrets,
                                                     devSecrets: devSecrets,
                                                     logger: logger)
        do { try Notifier.validate(subscribers.map(\.config), allowPrivateAddresses: configuration.allowPrivateSubscribers) } catch {
            throw ConfigurationError("\(error) (allow_private_subscribers permits loopback and private addresses)")
        }
        let notifier = Notifier(subscribers: subscribers, journal: LogDeliveryJournal(store: store),
                                allowPrivateAddresses: configuration.allowPrivateSubscribers) { message in logger.warning(message) }
        self.notifier = notifier
        let engine = ActionEngine(store: store, router: router, connectors: ConnectorSet(settings: connectorSettings),
                                  policy: configuration.actions.policy, logger: logger, notifier: notifier)
        self.engine = engine
        intake = WebhookIntake(catalog: catalog, store: store, notifier: notifier, logger: logger) { event, offset in
            engine.route(event, offset: offset)
        }
    }

    static func logOptions(_ c: GatewayConfiguration) throws -> FileLogOptions {
        var options = FileLogOptions()
        options.segmentSize = c.log.segmentBytes
        options.queueCapacity = c.log.queueCapacity
        options.preallocate = c.log.preallocate
        options.maxRecordSize = max(options.maxRecordSize, c.maxBodyBytes + 64 * 1024)
        options.queueByteCapacity = max(options.queueByteCapacity, options.maxRecordSize * 4)
        switch c.log.sync {
        case "fdatasync": options.sync = .fdatasync
        case "fsync": options.sync = .fsync
        case "none": options.sync = .none
        default: throw ConfigurationError("log.sync must be fdatasync, fsync or none (got \"\(c.log.sync)\")")
        }
        return options
    }

    /// Plans the deliveries a crash cut off the log's last append (see `NotificationRepair`).
    /// `start` does it; an offline verb does it before it writes, since its records would
    /// make that append no longer the last. Nothing to do after a clean stop, whose snapshot
    /// covers the whole log. A failure is logged, not thrown: the gateway still starts (and
    /// answers 503 if the log refuses appends), and the offline verbs still run.
    public func repairNotifications() {
        guard lastAppendMayBeCut else { return }
        do {
            // That append is the report and at most one plan per subscriber, each a record
            // no larger than the log takes.
            let window = UInt64(try Self.logOptions(configuration).maxRecordSize) * UInt64(configuration.subscribers.count + 1)
            _ = try NotificationRepair.run(store: store, notifier: notifier, window: window, logger: logger)
        } catch {
            logger.error("could not check the log's last append for notification plans a crash cut off", [("error", "\(error)")])
        }
    }

    /// Binds the listener and starts serving. Returns the bound address.
    @discardableResult
    public func start() throws -> SocketAddress {
        var limits = HTTPLimits()
        limits.maxBodyBytes = configuration.maxBodyBytes
        limits.maxHeaderBytes = configuration.maxHeaderBytes
        limits.headerTimeoutMilliseconds = configuration.headerTimeoutMs
        limits.idleTimeoutMilliseconds = configuration.idleTimeoutMs
        limits.maxConnections = configuration.maxConnections
        let address = try SocketAddress(parsing: configuration.listen)
        var serverConfig = HTTPServer.Configuration(address: address, limits: limits)
        if let loops = configuration.loops { serverConfig.loops = loops }
        let server = HTTPServer(configuration: serverConfig) { [weak self] request, responder in
            guard let self else { return responder.respond(.text(.serviceUnavailable)) }
            OperatorRouter(gateway: self).route(request, responder)
        }
        // The port first: found taken, the start fails before anything below has called an
        // API, sent a notification or swept the log.
        try server.bind()
        serverBox.withLock { $0 = server }
        // Before the notifier resumes its deliveries from the fold.
        repairNotifications()
        operatorServices.start()
        snapshotScheduler?.start()
        retention?.start()
        notifier.start()
        engine.start()
        let bound = try server.start()
        ready.store(true, ordering: .relaxed)
        logger.info("listening", [("address", bound.description), ("loops", "\(serverConfig.loops)"), ("version", Self.version)])
        return bound
    }

    /// Stops accepting, finishes in-flight requests, then flushes and closes the log.
    /// `writingSnapshot: false` for a dry run, which must leave the data folder as it found it.
    public func shutdown(writingSnapshot: Bool = true) {
        ready.store(false, ordering: .relaxed)
        logger.info("shutting down: draining connections", [("grace_seconds", "\(configuration.shutdownGraceSeconds)")])
        server?.shutdown(grace: configuration.shutdownGraceSeconds)
        engine.stop()
        notifier.stop()
        operatorServices.stop()
        // Everything is folded by now except appends still queued; those are the next
        // start's short tail.
        retention?.stop()
        snapshotScheduler?.stop()
        if writingSnapshot { snapshotScheduler?.writeNow() }
        log.close()
        dataDirectory.release()
        logger.info("stopped; log flushed", [("durable_end", "\(log.durableEnd)")])
    }
}
