// The synthesized description and mirror would print the keys; a verifier that
// ends up in a log line or a debugger dump must not leak them.
extension SignatureVerifier: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "SignatureVerifier(scheme: \(scheme.name), keys: \(keys.count), tolerance: \(tolerance)s)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["scheme": scheme, "keyCount": keys.count, "tolerance": tolerance])
    }
}
