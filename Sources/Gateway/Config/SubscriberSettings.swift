import Foundation
import Notify
import Routing

/// One subscriber in the config file: the Notify module's settings plus `secrets`, the
/// references to its signing keys (`whsec_<base64>`, several during a rotation: all sign).
public struct SubscriberSettings: Sendable, Codable {
    public var config: SubscriberConfig
    public var secrets: [SecretReference]

    public init(config: SubscriberConfig, secrets: [SecretReference]) {
        self.config = config
        self.secrets = secrets
    }

    public init(from decoder: any Decoder) throws {
        guard case .object(var fields) = try JSONValue(from: decoder) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a subscriber must be an object"))
        }
        let secretsJSON = fields.removeValue(forKey: "secrets") ?? .array([])
        secrets = try JSONDecoder().decode([SecretReference].self, from: Data(secretsJSON.serialized()))
        config = try JSONDecoder().decode(SubscriberConfig.self, from: Data(JSONValue.object(fields).serialized()))
    }

    public func encode(to encoder: any Encoder) throws {
        try config.encode(to: encoder)
        var container = encoder.container(keyedBy: SecretsKey.self)
        try container.encode(secrets, forKey: .secrets)
    }

    private enum SecretsKey: String, CodingKey { case secrets }
}
