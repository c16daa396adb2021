import Connectors
import Foundation
import Gateway
import Routing

enum CheckCommand: Command {
    static let name = "check"
    static let summary = "validate route files and configuration"
    static let usage = """
    gatehouse check [--config FILE] [--routes DIR]

    Validates the configuration and every route file: JSON syntax, verification settings,
    rules, conditions, template filters and placeholders, APIs and operations with their
    required fields and path parameters, and (when a file has an "example" payload) template
    paths that can never match it. Prints every problem as FILE:LINE: message and exits 1 if
    there is any. Missing secrets are reported as warnings (serve generates development
    secrets only when dev_secrets is on).
    """
    static let options: Set<String> = ["config", "routes"]
    static let flags: Set<String> = []

    static func run(_ arguments: Arguments) throws -> Int32 {
        let configuration = try ConfigurationFlags.resolve(arguments)
        let fm = FileManager.default
        guard let files = try? fm.contentsOfDirectory(atPath: configuration.routes).filter({ $0.hasSuffix(".json") }).sorted() else {
            throw UsageError("routes folder \(configuration.routes) cannot be read")
        }
        var problems = 0
        for file in files {
            let path = (configuration.routes as NSString).appendingPathComponent(file)
            let text = String(decoding: fm.contents(atPath: path) ?? Data(), as: UTF8.self)
            let diagnostics = RouteChecker.check(file: path, text: text, operations: OperationCatalog.all)
            for d in diagnostics { print(d) }
            problems += diagnostics.count
            if diagnostics.isEmpty {
                do {
                    let source = try SourceCatalog.loadSource(file: path, secrets: SecretResolver(), devSecrets: nil, logger: Logger(minimum: .error))
                    print("ok  \(path)  /webhooks/\(source.name)  scheme=\(source.scheme.name)  rules=\(source.rules.rules.count)")
                } catch let error as MissingSecret {
                    print("ok  \(path)  (warning: \(error))")
                } catch {
                    print("\(error)")
                    problems += 1
                }
            }
        }
        print(problems == 0 ? "\(files.count) route file(s) valid" : "\(problems) problem(s) in \(files.count) route file(s)")
        return problems == 0 ? 0 : 1
    }
}
