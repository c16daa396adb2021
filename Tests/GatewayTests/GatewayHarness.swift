import Foundation
import Gateway
import Signing

/// A temporary data folder and route folder with one Svix source and one generic HMAC
/// source, whose secrets are given through the resolver's environment.
struct GatewayHarness {
    static let svixSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let svixSecretRotated = "whsec_" + Base64.encode(Array("a second key for rotation tests!".utf8))
    static let formSecret = "form-shared-secret"
    static let githubSecret = "It's a Secret to Everybody"

    let root: URL
    var data: String { root.appendingPathComponent("data").path }
    var routes: String { root.appendingPathComponent("routes").path }
    var environment: [String: String] {
        ["YJ_SECRET": Self.svixSecret, "YJ_SECRET_OLD": Self.svixSecretRotated, "FORM_SECRET": Self.formSecret,
         "GH_SECRET": Self.githubSecret]
    }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("routes"), withIntermediateDirectories: true)
        try Self.svixRoute.write(toFile: routes + "/yunojuno.json", atomically: true, encoding: .utf8)
        try Self.formRoute.write(toFile: routes + "/form.json", atomically: true, encoding: .utf8)
    }

    static let svixRoute = """
    {"verify": {"scheme": "svix", "secrets": [{"env": "YJ_SECRET"}, {"env": "YJ_SECRET_OLD"}]},
     "event": {"type": "event_type"}}
    """
    static let formRoute = """
    {"verify": {"scheme": "hmac", "secrets": [{"env": "FORM_SECRET"}],
                "hmac": {"header": "X-Sig", "prefix": "sha256=", "timestamp_header": "X-Ts"}},
     "event": {"id": "submission.id", "type": "kind"}}
    """

    func configuration(listen: String = "127.0.0.1:0") -> GatewayConfiguration {
        var c = GatewayConfiguration()
        c.listen = listen
        c.data = data
        c.routes = routes
        c.devSecrets = false
        c.loops = 2
        c.shutdownGraceSeconds = 2
        return c
    }

    func start(_ configure: (inout GatewayConfiguration) -> Void = { _ in }) throws -> (Gateway, UInt16) {
        var c = configuration()
        configure(&c)
        let gateway = try Gateway(configuration: c, secrets: SecretResolver(environment: environment), logger: Logger(minimum: .error))
        let address = try gateway.start()
        return (gateway, address.port)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    static func svixHeaders(id: String, body: [UInt8], secret: String = svixSecret, timestamp: Int64 = Int64(Date().timeIntervalSince1970)) -> [(String, String)] {
        let key = try! SignatureScheme.svix.key(fromSecret: secret)
        return WebhookSigner.headers(scheme: .svix, key: key, id: id, timestamp: timestamp, body: body) + [("Content-Type", "application/json")]
    }

    static func event(_ type: String = "client.client_contact.created", email: String = "ada@example.com") -> [UInt8] {
        Array(#"{"api_version":"2024-04-10","event_type":"\#(type)","data":{"object":{"email":"\#(email)"}},"mode":"test"}"#.utf8)
    }
}
