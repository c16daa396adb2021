import Routing
import Signing

/// The JSON shape of one `routes/<source>.json` file: how the source proves who it is and
/// where its events keep their id and type. (`rules` map events to actions; see README.)
public struct RouteFile: Sendable, Decodable {
    public var description: String?
    public var verify: Verify
    public var event: EventFields?
    public var rules: [JSONValue]?

    public struct Verify: Sendable, Decodable {
        /// `standard-webhooks`, `svix`, `stripe`, `github`, `shopify`, `slack` or `hmac`.
        public var scheme: String
        /// Several at once during a rotation: any one that matches is enough.
        public var secrets: [SecretReference]
        public var toleranceSeconds: Int64?
        /// Only for `hmac`: the header, encoding, prefix and optional timestamp/id headers.
        public var hmac: HMACSettings?

        enum CodingKeys: String, CodingKey {
            case scheme, secrets, hmac
            case toleranceSeconds = "tolerance_seconds"
        }
    }

    /// The generic scheme's settings, in the route files' snake_case.
    public struct HMACSettings: Sendable, Decodable {
        public var header: String
        /// `hex` (default) or `base64`.
        public var encoding: String?
        public var prefix: String?
        public var timestampHeader: String?
        public var idHeader: String?

        enum CodingKeys: String, CodingKey {
            case header, encoding, prefix
            case timestampHeader = "timestamp_header"
            case idHeader = "id_header"
        }

        func generic() throws -> GenericHMAC {
            let parsed: GenericHMAC.Encoding
            switch encoding?.lowercased() ?? "hex" {
            case "hex": parsed = .hex
            case "base64": parsed = .base64
            default: throw ConfigurationError("verify.hmac.encoding must be hex or base64")
            }
            return GenericHMAC(header: header, encoding: parsed, prefix: prefix, timestampHeader: timestampHeader, idHeader: idHeader)
        }
    }

    public struct EventFields: Sendable, Decodable {
        /// Dotted path to the event id in the body, for schemes whose headers carry none.
        public var id: String?
        /// Dotted path to the event type in the body.
        public var type: String?
        /// A header that names the event type (GitHub's `X-GitHub-Event`).
        public var typeHeader: String?

        enum CodingKeys: String, CodingKey {
            case id, type
            case typeHeader = "type_header"
        }
    }
}
