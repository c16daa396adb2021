/// The inbound signature conventions Gatehouse can check.
public enum SignatureScheme: Sendable, Equatable {
    case standardWebhooks
    case svix
    case stripe
    case github
    case shopify
    case slack
    case generic(GenericHMAC)

    /// The name used in configuration files.
    public var name: String {
        switch self {
        case .standardWebhooks: "standard-webhooks"
        case .svix: "svix"
        case .stripe: "stripe"
        case .github: "github"
        case .shopify: "shopify"
        case .slack: "slack"
        case .generic: "hmac"
        }
    }

    /// Whether deliveries carry a signed timestamp, so that an old copy is refused outside the
    /// tolerance. Without one, only dedupe stops a captured delivery from being accepted again.
    public var signsTimestamp: Bool {
        switch self {
        case .standardWebhooks, .svix, .stripe, .slack: true
        case .github, .shopify: false
        case .generic(let config): config.timestampHeader != nil
        }
    }

    /// Every configuration name `init(name:generic:)` accepts.
    public static let names = ["standard-webhooks", "svix", "stripe", "github", "shopify", "slack", "hmac"]

    /// Parses a configuration name (case-insensitive). `"hmac"` needs `generic`;
    /// the other names ignore it.
    public init?(name: String, generic: GenericHMAC? = nil) {
        switch name.lowercased() {
        case "standard-webhooks": self = .standardWebhooks
        case "svix": self = .svix
        case "stripe": self = .stripe
        case "github": self = .github
        case "shopify": self = .shopify
        case "slack": self = .slack
        case "hmac":
            guard let generic else { return nil }
            self = .generic(generic)
        default: return nil
        }
    }

}
