/// Why a configured secret could not become a key. Deliberately carries no part
/// of the secret, so it is safe to log or show in a config error.
public enum SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case notBase64

    public var description: String {
        switch self {
        case .empty: "the signing secret is empty"
        case .notBase64: "the signing secret is not valid base64 after its whsec_ prefix"
        }
    }
}
