import Routing
import Foundation

/// Everything `gatehouse serve` runs on. The embedded default works on a fresh checkout;
/// a JSON file (`--config`) overrides it field by field, and flags override the file.
public struct GatewayConfiguration: Sendable, Codable {
    public var listen = "127.0.0.1:8080"
    public var data = "data"
    public var routes = "routes"
    /// Event loop threads; nil means one per core.
    public var loops: Int?
    public var maxBodyBytes = 1024 * 1024
    public var maxHeaderBytes = 16 * 1024
    public var headerTimeoutMs: Int64 = 10_000
    public var idleTimeoutMs: Int64 = 60_000
    public var maxConnections = 10_000
    public var log = LogSettings()
    public var snapshots = SnapshotSettings()
    public var retention = RetentionSettings()
    /// When a source's secret is not configured, generate one under `<data>/dev-secrets/`
    /// instead of refusing to start. On in the embedded default; turn it off in production.
    public var devSecrets = true
    /// How long `shutdown` waits for in-flight requests.
    public var shutdownGraceSeconds: Double = 10
    public var apis = APISettings()
    /// Who is told about events and action outcomes (signed, Standard Webhooks style).
    public var subscribers: [SubscriberSettings] = []
    /// Lets subscriber URLs point at loopback or private addresses (tests, private networks).
    public var allowPrivateSubscribers = false
    public var actions = ActionSettings()
    /// Bearer token for the operator endpoints (`/status`, `/metrics`, `/events`...): a
    /// reference, never a value. Unset: those endpoints answer loopback peers only.
    public var operatorToken: SecretReference?

    public struct LogSettings: Sendable, Codable {
        /// `fdatasync` (default), `fsync`, or `none` (benchmarks of the rest only: acknowledgements are then not durable).
        public var sync = "fdatasync"
        public var segmentBytes = 64 * 1024 * 1024
        public var queueCapacity = 16_384
        /// Prepare each next segment zero-filled ahead of need, so group-commit syncs write into
        /// existing space (about half the cost here). Off on copy-on-write filesystems.
        public var preallocate = true
        public init() {}
    }

    /// Checkpoints of the folded state, so a restart reads only the log written after one.
    public struct SnapshotSettings: Sendable, Codable {
        public var enabled = true
        /// A snapshot is written once this many records were folded since the last one
        /// (checked every few seconds), and always at a clean shutdown.
        public var everyRecords = 1_000_000
        /// But not more often than this: a snapshot copies and writes the whole index, which
        /// under heavy load would otherwise happen every few seconds.
        public var minIntervalSeconds: Double = 60
        /// How many snapshot files to keep; older ones are removed.
        public var keep = 2
        public init() {}
    }

    /// Bounded disk: old segments go once their work is finished; event ids are remembered
    /// for dedupe for a window of their own. Both off by default (keep everything).
    public struct RetentionSettings: Sendable, Codable {
        /// Sealed segments last written longer ago than this, and holding no unfinished work,
        /// are removed (or archived). 0 keeps every segment.
        public var maxAgeSeconds: Int64 = 0
        /// A folder on the log's filesystem to move removed segments into, instead of deleting.
        public var archive: String?
        /// Event ids received longer ago than this are forgotten by dedupe (kept across
        /// restarts until then, also after their segments are gone). 0 remembers every id.
        public var dedupeWindowSeconds: Int64 = 0
        public var checkEverySeconds: Double = 60
        public init() {}
    }

    public init() {}

    enum CodingKeys: String, CodingKey {
        case listen, data, routes, loops, log, snapshots, retention, apis, actions, subscribers
        case allowPrivateSubscribers = "allow_private_subscribers"
        case maxBodyBytes = "max_body_bytes", maxHeaderBytes = "max_header_bytes"
        case headerTimeoutMs = "header_timeout_ms", idleTimeoutMs = "idle_timeout_ms"
        case maxConnections = "max_connections", devSecrets = "dev_secrets"
        case shutdownGraceSeconds = "shutdown_grace_seconds"
        case operatorToken = "operator_token"
    }

    /// Reads a config file over the defaults: absent keys keep their default values, and
    /// unknown keys are an error (a typo must not silently fall back to a default).
    public static func load(file path: String) throws -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("cannot read config file \(path)")
        }
        let parsed: JSONValue
        do { parsed = try JSONValue.parse(Array(data)) } catch {
            throw ConfigurationError("\(path): not valid JSON (\(error))")
        }
        guard case .object(let fields) = parsed else { throw ConfigurationError("\(path): the top level must be a JSON object") }
        let known = Set(CodingKeys.allCases.map(\.rawValue))
        if let unknown = fields.keys.sorted().first(where: { !known.contains($0) }) {
            throw ConfigurationError("\(path): unknown setting \"\(unknown)\"")
        }
        // apis.simulate defaults to on: a file that names real endpoints but leaves it out would
        // send every action to the built-in simulators and record them as done.
        if case .object(let apis)? = fields["apis"], apis["simulate"] == nil,
           let named = ["yunojuno", "roosted", "luminous", "growcrm"].first(where: { apis[$0] != nil }) {
            throw ConfigurationError("\(path): apis.\(named) is set but apis.simulate is not, and it defaults to true (the built-in "
                                     + "simulators, which would take every action instead): set \"simulate\": false to call the APIs")
        }
        let defaults = try JSONValue.parse(Array(JSONEncoder().encode(GatewayConfiguration())))
        let merged = overlay(parsed, on: defaults)
        let configuration: GatewayConfiguration
        do {
            configuration = try JSONDecoder().decode(GatewayConfiguration.self, from: Data(merged.serialized()))
        } catch {
            throw ConfigurationError("\(path): \(describe(error))")
        }
        // Nested keys too: encoding what was decoded gives back every key it understood, so
        // a key of the file missing there was ignored, a typo (`"max_age_second"`).
        let understood = try JSONValue.parse(Array(JSONEncoder().encode(configuration)))
        if let unknown = unusedKey(in: parsed, understood: understood) {
            throw ConfigurationError("\(path): unknown setting \"\(unknown)\"")
        }
        try configuration.validate()
        return configuration
    }

    /// Numbers that decode but cannot run: refused with the setting's name rather than left to
    /// trap (a negative loop count) or to fail later.
    public func validate() throws {
        func require(_ ok: Bool, _ message: String) throws { if !ok { throw ConfigurationError(message) } }
        if let loops { try require((1...256).contains(loops), "loops must be between 1 and 256 (got \(loops))") }
        try require((1...(512 << 20)).contains(maxBodyBytes), "max_body_bytes must be between 1 and 536870912 (got \(maxBodyBytes))")
        try require((1024...(1 << 20)).contains(maxHeaderBytes), "max_header_bytes must be between 1024 and 1048576 (got \(maxHeaderBytes))")
        // Upper bounds too: the deadline arithmetic on a huge timeout, or the descriptor count
        // on a huge connection cap, overflowed (a trap) instead of meaning "for ever".
        let day: Int64 = 86_400_000
        try require((1...day).contains(headerTimeoutMs) && (1...day).contains(idleTimeoutMs),
                    "header_timeout_ms and idle_timeout_ms must be between 1 and 86400000 (a day)")
        try require((1...(1 << 20)).contains(maxConnections), "max_connections must be between 1 and 1048576 (got \(maxConnections))")
        try require(["fdatasync", "fsync", "none"].contains(log.sync), "log.sync must be fdatasync, fsync or none (got \"\(log.sync)\")")
        try require(actions.jitter.isFinite && (0...1).contains(actions.jitter), "actions.jitter must be between 0 and 1 (got \(actions.jitter))")
        try require(actions.retryScheduleSeconds.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 30 * 86_400 },
                    "actions.retry_schedule_seconds must hold waits between 0 and 2592000 seconds (30 days)")
        try require(actions.maxAgeSeconds.isFinite && actions.maxAgeSeconds > 0 && actions.maxAgeSeconds <= 365 * 86_400,
                    "actions.max_age_seconds must be between 0 and 31536000 (a year) (got \(actions.maxAgeSeconds))")
        for (name, endpoint) in [("yunojuno", apis.yunojuno), ("roosted", apis.roosted), ("luminous", apis.luminous), ("growcrm", apis.growcrm)] {
            guard let endpoint else { continue }
            if let t = endpoint.timeoutSeconds { try require(t.isFinite && t > 0 && t <= 3600, "apis.\(name).timeout_seconds must be between 0 and 3600 (got \(t))") }
            if let c = endpoint.concurrency { try require((1...256).contains(c), "apis.\(name).concurrency must be between 1 and 256 (got \(c))") }
        }
        try require(log.segmentBytes >= 4096, "log.segment_bytes must be at least 4096 (got \(log.segmentBytes))")
        try require(log.queueCapacity >= 1, "log.queue_capacity must be at least 1 (got \(log.queueCapacity))")
        // A webhook's append carries its notification plans too, one record per subscriber:
        // a queue that cannot hold one whole such append would refuse every webhook.
        try require(log.queueCapacity >= subscribers.count + 1,
                    "log.queue_capacity must hold a webhook and a plan for each of the \(subscribers.count) subscribers (at least \(subscribers.count + 1), got \(log.queueCapacity))")
        try require(snapshots.keep >= 1 && snapshots.everyRecords >= 1, "snapshots.keep and snapshots.every_records must be at least 1")
        try require(retention.maxAgeSeconds >= 0 && retention.dedupeWindowSeconds >= 0, "retention ages must not be negative")
        try require(shutdownGraceSeconds.isFinite && shutdownGraceSeconds >= 0, "shutdown_grace_seconds must be a non-negative number")
    }
}

extension GatewayConfiguration.CodingKeys: CaseIterable {}

extension GatewayConfiguration.LogSettings {
    enum CodingKeys: String, CodingKey {
        case sync
        case segmentBytes = "segment_bytes"
        case queueCapacity = "queue_capacity"
        case preallocate
    }
}

extension GatewayConfiguration.SnapshotSettings {
    enum CodingKeys: String, CodingKey {
        case enabled, keep
        case everyRecords = "every_records"
        case minIntervalSeconds = "min_interval_seconds"
    }
}

extension GatewayConfiguration.RetentionSettings {
    enum CodingKeys: String, CodingKey {
        case archive
        case maxAgeSeconds = "max_age_seconds"
        case dedupeWindowSeconds = "dedupe_window_seconds"
        case checkEverySeconds = "check_every_seconds"
    }
}

/// The first key of `file` (as a dotted path) that `understood` lacks; null values are skipped
/// (they mean "the default"). Arrays are walked element by element.
func unusedKey(in file: JSONValue, understood: JSONValue, path: String = "") -> String? {
    switch (file, understood) {
    case (.object(let given), .object(let used)):
        for key in given.keys.sorted() {
            guard let value = given[key], value != .null else { continue }
            let here = path.isEmpty ? key : path + "." + key
            guard let kept = used[key] else { return here }
            if let deeper = unusedKey(in: value, understood: kept, path: here) { return deeper }
        }
    case (.array(let given), .array(let used)):
        for (i, (value, kept)) in zip(given, used).enumerated() {
            if let deeper = unusedKey(in: value, understood: kept, path: "\(path)[\(i)]") { return deeper }
        }
    default:
        break
    }
    return nil
}

/// The file's values over the defaults, object by object, so a file may set one nested key
/// (`"log": {"sync": "fsync"}`) and keep the other defaults of that object.
func overlay(_ top: JSONValue, on base: JSONValue) -> JSONValue {
    guard case .object(let over) = top, case .object(var under) = base else { return top }
    for (key, value) in over { under[key] = overlay(value, on: under[key] ?? .null) }
    return .object(under)
}

/// Turns a DecodingError into a sentence naming the field.
func describe(_ error: Error) -> String {
    guard let e = error as? DecodingError else { return "\(error)" }
    func path(_ c: DecodingError.Context) -> String {
        let p = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return p.isEmpty ? "top level" : p
    }
    switch e {
    case .typeMismatch(_, let c): return "\(path(c)): wrong type (\(c.debugDescription))"
    case .valueNotFound(_, let c): return "\(path(c)): missing value"
    case .keyNotFound(let k, let c): return "\(path(c)): missing required field \"\(k.stringValue)\""
    case .dataCorrupted(let c): return "\(path(c)): \(c.debugDescription)"
    @unknown default: return "\(error)"
    }
}
