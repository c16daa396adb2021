import Foundation
import Gateway

enum CheckCommand: Command {
    static let name = "check"
    static let summary = "validate route files and configuration"
    static let usage = """
    gatehouse check [--config FILE] [--routes DIR]

    Loads the configuration and every route file the way `serve` would, without opening the
    log or listening, and reports the first problem with its file. Exits 1 on a problem.
    Missing secrets are reported but do not fail the check.
    """
    static let options: Set<String> = ["config", "routes"]
    static let flags: Set<String> = []

    static func run(_ arguments: Arguments) throws -> Int32 {
        let configuration = try ConfigurationFlags.resolve(arguments)
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-check-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let catalog = try SourceCatalog.load(directory: configuration.routes, secrets: SecretResolver(),
                                             devSecretsDirectory: temporary, logger: Logger(minimum: .error))
        for source in catalog.sources.values.sorted(by: { $0.name < $1.name }) {
            print("ok  \(source.file)  /webhooks/\(source.name)  scheme=\(source.scheme.name)")
        }
        print("\(catalog.sources.count) route file(s) valid")
        return 0
    }
}
