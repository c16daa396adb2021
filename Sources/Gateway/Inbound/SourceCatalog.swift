import Connectors
import Foundation
import Routing
import Signing

/// All sources, loaded from the route folder: `routes/<name>.json` serves `/webhooks/<name>`.
public struct SourceCatalog: Sendable {
    public let sources: [String: Source]

    public init(sources: [String: Source]) { self.sources = sources }

    /// Loads every `*.json` in `directory`. Secrets come from the environment or files; when
    /// one is missing and `devSecrets` is set, a development secret is taken from there.
    public static func load(directory: String, secrets: SecretResolver, devSecrets: DevelopmentSecrets?, logger: Logger) throws -> SourceCatalog {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ConfigurationError("routes folder \(directory) does not exist")
        }
        let names = try fm.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        var sources: [String: Source] = [:]
        for file in names {
            let source = try loadSource(file: (directory as NSString).appendingPathComponent(file), secrets: secrets,
                                        devSecrets: devSecrets, logger: logger)
            sources[source.name] = source
        }
        // A delivery signed for one source verifies at another with the same key (one GitHub
        // secret for several repositories, say): dedupe keys are per source, so it would be
        // accepted again there, and its rules run. Said at start; not refused, as it can be
        // the intent.
        let ordered = sources.values.sorted { $0.name < $1.name }
        for (i, a) in ordered.enumerated() {
            // Whatever their schemes: different ones can sign the same bytes (github, shopify
            // and hmac the bare body; svix and standard-webhooks alike), and headers are not
            // signed, so a signature moves from one header to the other.
            for b in ordered[(i + 1)...] where a.verifier.sharesKey(with: b.verifier) {
                logger.warning("two sources share a signing key: a delivery captured for one may be accepted by the other as a new event",
                               [("sources", "\(a.name), \(b.name)"), ("schemes", "\(a.scheme.name), \(b.scheme.name)")])
            }
        }
        return SourceCatalog(sources: sources)
    }

    /// Loads one route file; its name (without `.json`) names the source.
    public static func loadSource(file path: String, secrets: SecretResolver, devSecrets: DevelopmentSecrets?, logger: Logger) throws -> Source {
        let name = String((path as NSString).lastPathComponent.dropLast(5))
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !name.isEmpty else {
            throw ConfigurationError("\(path): a source name may hold letters, digits, '-' and '_' only")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("cannot read \(path)") }
        let route: RouteFile
        do { route = try JSONDecoder().decode(RouteFile.self, from: data) } catch {
            throw ConfigurationError("\(path): \(describe(error))")
        }
        let rules: RouteRules
        do { rules = try RouteRules.parse(source: name, text: String(decoding: data, as: UTF8.self), operations: OperationCatalog.all) } catch {
            throw ConfigurationError("\(path)\(error.line.map { ":\($0)" } ?? ""): \(error.message)")
        }
        let generic: GenericHMAC?
        do { generic = try route.verify.hmac?.generic() } catch { throw ConfigurationError("\(path): \(error)") }
        guard let scheme = SignatureScheme(name: route.verify.scheme, generic: generic) else {
            throw ConfigurationError("\(path): verify.scheme \"\(route.verify.scheme)\" is not one of standard-webhooks, svix, stripe, github, shopify, slack, hmac (hmac needs verify.hmac)")
        }
        if route.verify.secrets.isEmpty { throw ConfigurationError("\(path): verify.secrets lists no secret") }
        var keys: [[UInt8]] = []
        var origins: [String] = []
        for reference in route.verify.secrets {
            guard let text = try secrets.resolve(reference) else { continue }
            do { keys.append(try scheme.key(fromSecret: text)) } catch {
                throw ConfigurationError("\(path): the secret in \(reference) is not a valid \(scheme.name) secret")
            }
            origins.append(reference.description)
        }
        if keys.isEmpty {
            guard let devSecrets else {
                throw MissingSecret(message: "\(path): no secret found; set \(route.verify.secrets.map(\.description).joined(separator: ", "))")
            }
            let (text, file) = try devSecrets.obtain(name, scheme: scheme)
            keys.append(try scheme.key(fromSecret: text))
            origins.append("development secret \(file)")
            // An offline verb never verifies with it: no warning for it to print.
            logger.log(devSecrets.writesMissing ? .warning : .info,
                       "source has no configured secret; using a development secret (set dev_secrets false in production)",
                       [("source", name), ("file", file), ("expected", route.verify.secrets.map(\.description).joined(separator: ", "))])
        }
        var idPath = route.event?.id
        if idPath == nil && scheme == .stripe { idPath = "id" }  // Stripe's id is in the body, not a header
        var typePath = route.event?.type
        var typeHeader = route.event?.typeHeader
        if typePath == nil && typeHeader == nil {
            switch scheme {
            case .github: typeHeader = "x-github-event"
            case .svix, .standardWebhooks, .stripe: typePath = "type"
            default: break
            }
        }
        // A rule that matches on the type of a source that reads none would never run: every
        // event accepted, none routed.
        if typePath == nil && typeHeader == nil,
           let typed = rules.rules.first(where: { if case .patterns = $0.when { return true }; return false }) {
            throw ConfigurationError("\(path): rule '\(typed.name)' matches on when.type, but the \(scheme.name) scheme reads no event "
                                     + "type: set event.type (a body path) or event.type_header")
        }
        return Source(name: name, file: path, scheme: scheme,
                      verifier: SignatureVerifier(scheme: scheme, keys: keys, tolerance: route.verify.toleranceSeconds ?? 300),
                      idPath: idPath, typePath: typePath, typeHeader: typeHeader?.lowercased(),
                      bodyFields: JSONFieldReader(paths: [idPath, typePath].compactMap { $0 }),
                      rules: rules, secretOrigin: origins.joined(separator: ", "), signingKey: keys[0])
    }
}

/// A source whose secret is not configured: fatal for `serve`, a warning for `check`.
public struct MissingSecret: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
