import Routing
import Signing

/// One configured inbound source, ready to verify: what `POST /webhooks/{name}` checks.
public struct Source: Sendable {
    public let name: String
    public let file: String
    public let scheme: SignatureScheme
    public let verifier: SignatureVerifier
    public let idPath: String?
    public let typePath: String?
    public let typeHeader: String?
    /// `idPath` then `typePath`, those that are set: read from each body in one pass that
    /// builds nothing else.
    let bodyFields: JSONFieldReader
    public let rules: RouteRules
    /// Where the secret came from, for the start-up log (never the value).
    public let secretOrigin: String
    /// The first key, for `gatehouse sign` and tests that sign as the sender would.
    public let signingKey: [UInt8]

    /// The body has to be parsed when the id or type live inside it.
    var needsBody: Bool { idPath != nil || typePath != nil }
}

/// Printed without its key, as `SignatureVerifier` is: a source in a log line or a `dump`
/// must not carry the secret.
extension Source: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "Source(\(name), scheme: \(scheme.name), file: \(file), key: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "scheme": scheme.name, "file": file, "verifier": verifier, "rules": rules.rules.count])
    }
}
