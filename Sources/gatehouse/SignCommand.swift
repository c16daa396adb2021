import Foundation
import Gateway
import Signing

enum SignCommand: Command {
    static let name = "sign"
    static let summary = "print signature headers for a test delivery to a source"
    static let usage = """
    gatehouse sign --source NAME --body FILE [--id ID] [--config FILE] [--routes DIR] [--data DIR]

    Signs FILE the way the source's sender would, with the source's configured (or
    development) secret, and prints the headers one per line, ready for `curl -H @-`:

      gatehouse sign --source yunojuno --body event.json | \\
        curl -s --data-binary @event.json -H @- http://127.0.0.1:8080/webhooks/yunojuno

    For trying a gateway out; the secret itself is never printed.
    """
    static let options: Set<String> = ConfigurationFlags.options.union(["source", "body", "id"])
    static let flags: Set<String> = []

    static func run(_ arguments: Arguments) throws -> Int32 {
        guard let name = arguments["source"] else { throw UsageError("--source is required") }
        guard let bodyPath = arguments["body"] else { throw UsageError("--body is required") }
        guard let body = FileManager.default.contents(atPath: bodyPath) else { throw UsageError("cannot read \(bodyPath)") }
        let configuration = try ConfigurationFlags.resolve(arguments)
        // Written when missing: `sign` before the first `serve` makes the secret both then use.
        let devSecrets = configuration.devSecrets
            ? DevelopmentSecrets(directory: (configuration.data as NSString).appendingPathComponent("dev-secrets")) : nil
        let catalog = try SourceCatalog.load(directory: configuration.routes, secrets: SecretResolver(),
                                             devSecrets: devSecrets, logger: Logger(minimum: .error))
        guard let source = catalog.sources[name] else { throw UsageError("no source \"\(name)\" in \(configuration.routes)") }
        let id = arguments["id"] ?? "msg_" + Hex.encode(SecureRandom.bytes(12))
        let headers = WebhookSigner.headers(scheme: source.scheme, key: source.signingKey, id: id,
                                            timestamp: Int64(Date().timeIntervalSince1970), body: Array(body))
        print("Content-Type: application/json")
        for (name, value) in headers { print("\(name): \(value)") }
        return 0
    }
}
