import Notify
import Signing

/// Resolves each subscriber's signing secrets into keys, with the same rules as inbound
/// secrets: from the environment or a file, a development secret when allowed, otherwise a
/// start-up error naming where the secret was looked for.
enum SubscriberKeys {
    static func resolve(_ settings: [SubscriberSettings], secrets: SecretResolver, devSecrets: DevelopmentSecrets?, logger: Logger) throws -> [Subscriber] {
        try settings.map { s in
            var keys: [[UInt8]] = []
            for reference in s.secrets {
                guard let text = try secrets.resolve(reference) else { continue }
                do { keys.append(try SignatureScheme.standardWebhooks.key(fromSecret: text)) } catch {
                    throw ConfigurationError("subscriber \(s.config.id): the secret in \(reference) is not a whsec_<base64> secret")
                }
            }
            if keys.isEmpty {
                guard let devSecrets else {
                    throw ConfigurationError("subscriber \(s.config.id): no signing secret found; set \(s.secrets.map(\.description).joined(separator: ", "))")
                }
                let (text, file) = try devSecrets.obtain("subscriber-\(s.config.id)", scheme: .standardWebhooks)
                keys.append(try SignatureScheme.standardWebhooks.key(fromSecret: text))
                logger.log(devSecrets.writesMissing ? .warning : .info, "subscriber has no configured secret; signing with a development secret",
                           [("subscriber", s.config.id), ("file", file)])
            }
            return Subscriber(config: s.config, keys: keys)
        }
    }
}
