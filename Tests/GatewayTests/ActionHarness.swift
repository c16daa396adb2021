import Connectors
import Foundation
@testable import Gateway
import Notify
import Routing
import Simulators
import Signing
import TestSupport

/// A gateway wired to a simulator fleet in this process, with the repo's real route files
/// and a compressed retry schedule.
final class ActionHarness {
    static let yunojunoSecret = "whsec_" + Base64.encode(Array("yunojuno test signing key 0123456".utf8))
    static let formSecret = "signup-form-test-secret"

    let root: URL
    let fleet = SimulatorFleet()
    var gateway: Gateway?
    var port: UInt16 = 0

    var data: String { root.appendingPathComponent("data").path }
    var routes: String { root.appendingPathComponent("routes").path }
    var extraEnvironment: [String: String] = [:]
    /// Grow CRM's request slots (a test narrows it to make attempts queue).
    var growcrmConcurrency = 4
    var environment: [String: String] {
        ["YUNOJUNO_WEBHOOK_SECRET": Self.yunojunoSecret, "SIGNUP_FORM_SECRET": Self.formSecret].merging(extraEnvironment) { $1 }
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-actions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("routes"), withIntermediateDirectories: true)
        let repoRoutes = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../routes").standardized
        for file in try FileManager.default.contentsOfDirectory(atPath: repoRoutes.path) where file.hasSuffix(".json") {
            try FileManager.default.copyItem(at: repoRoutes.appendingPathComponent(file), to: root.appendingPathComponent("routes/\(file)"))
        }
        try fleet.start()
    }

    func connectorSettings() -> ConnectorSettings {
        let dev = SimulatorCredentials.development
        return ConnectorSettings(
            yunojuno: APIEndpoint(baseURL: fleet.baseURL(for: .yunojuno), timeoutSeconds: 2, concurrency: 4,
                                  auth: .oauthClientCredentials(tokenURL: nil, clientID: dev.yunojunoClientID, clientSecret: dev.yunojunoClientSecret)),
            roosted: APIEndpoint(baseURL: fleet.baseURL(for: .roosted), timeoutSeconds: 2, concurrency: 4,
                                 auth: .apiKeyHeader(name: dev.roostedHeaderName, key: dev.roostedAPIKey)),
            luminous: APIEndpoint(baseURL: fleet.baseURL(for: .luminous), timeoutSeconds: 2, concurrency: 4, auth: .bearer(token: dev.luminousToken)),
            growcrm: APIEndpoint(baseURL: fleet.baseURL(for: .growcrm), timeoutSeconds: 2, concurrency: growcrmConcurrency,
                                 auth: .bearer(token: dev.growcrmAPIKey)))
    }

    func start(schedule: [Double] = [0.2, 0.2, 0.2], configure: (inout GatewayConfiguration) -> Void = { _ in }) throws {
        var c = GatewayConfiguration()
        c.listen = "127.0.0.1:0"
        c.data = data
        c.routes = routes
        c.devSecrets = false
        c.loops = 1
        c.shutdownGraceSeconds = 2
        c.actions.retryScheduleSeconds = schedule
        c.actions.jitter = 0
        configure(&c)
        let gateway = try Gateway(configuration: c, secrets: SecretResolver(environment: environment),
                                  logger: Logger(minimum: .error), connectors: connectorSettings())
        port = try gateway.start().port
        self.gateway = gateway
    }

    func stop() {
        gateway?.shutdown()
        gateway = nil
    }

    deinit {
        stop()
        fleet.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    /// Posts a Svix-signed YunoJuno event; returns the HTTP status.
    @discardableResult
    func sendYunoJuno(_ type: String, _ object: String, id: String = "msg_\(UUID().uuidString)", mode: String = "live") -> Int? {
        sendYunoJunoRaw(type, object, id: id, mode: mode)?.status
    }

    /// Posts a Svix-signed YunoJuno event; returns the whole answer.
    func sendYunoJunoRaw(_ type: String, _ object: String, id: String, mode: String = "live") -> ParsedResponse? {
        let body = Array(#"{"api_version":"2024-04-10","event_type":"\#(type)","mode":"\#(mode)","data":{"object":\#(object)}}"#.utf8)
        let key = try! SignatureScheme.svix.key(fromSecret: Self.yunojunoSecret)
        let headers = WebhookSigner.headers(scheme: .svix, key: key, id: id, timestamp: Int64(Date().timeIntervalSince1970), body: body)
        return (try? RawClient(port: port))?.request("POST", "/webhooks/yunojuno", headers: headers + [("Content-Type", "application/json")], body: body)
    }

    /// Polls until `condition` holds or `timeout` passes.
    func eventually(_ timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    /// Every job the gateway's fold knows, with its event id and action results read back
    /// from the log (the fold keeps neither for a job that succeeded).
    func jobs() -> [TestJob] {
        guard let gateway else { return [] }
        let (summaries, actions) = gateway.store.read { s in
            let all = s.allJobSummaries()
            return (all, all.map { (s.jobActions($0.id) ?? [], s.historyOffsets(received: $0.eventOffset)) })
        }
        return zip(summaries, actions).map { job, known in
            var eventID = "", results: [String: JSONValue] = [:]
            for offset in known.1 {
                switch try? gateway.store.record(at: offset) {
                case .received(let e)?: eventID = e.eventID
                case .attemptFinished(let e)? where e.jobID == job.id:
                    if case .succeeded(let result, _) = e.outcome, known.0.indices.contains(e.step) { results[known.0[e.step].name] = result }
                default: break
                }
            }
            return TestJob(id: job.id, rule: job.rule, eventID: eventID, status: job.status, attempts: job.attempts,
                           lastError: job.lastError, results: results)
        }
    }
}

/// One job as the action tests look at it.
struct TestJob {
    let id: String
    let rule: String
    let eventID: String
    let status: JobState.Status
    let attempts: Int
    let lastError: String?
    let results: [String: JSONValue]

    var isFinished: Bool { status == .succeeded || status == .failed || status == .dead }
}

extension ActionHarness {
    /// A subscriber at a loopback sink, signing with `NotificationFlowTests.secret` (taken from
    /// `TEST_SUBSCRIBER_SECRET`, which this sets). `quickRetries` makes it give up fast: two
    /// attempts in 50 ms, and never disabled.
    func subscriber(_ id: String, port: UInt16, types: [String], quickRetries: Bool = false) -> SubscriberSettings {
        extraEnvironment["TEST_SUBSCRIBER_SECRET"] = NotificationFlowTests.secret
        let url = "http://127.0.0.1:\(port)/hook"
        let config = quickRetries
            ? SubscriberConfig(id: id, url: url, types: types, retryScheduleSeconds: [0, 0.05], jitter: 0, maxConsecutiveFailures: 100)
            : SubscriberConfig(id: id, url: url, types: types)
        return SubscriberSettings(config: config, secrets: [SecretReference(env: "TEST_SUBSCRIBER_SECRET")])
    }
}
