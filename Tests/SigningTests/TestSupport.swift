import Signing

/// Helpers shared by the verification tests.
enum TestSupport {
    static let now: Int64 = 1_700_000_000

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Header lookup the way the gateway does it: by lowercase name.
    static func lookup(_ headers: [(String, String)]) -> (String) -> String? {
        var table: [String: String] = [:]
        for (name, value) in headers { table[name.lowercased()] = value }
        return { table[$0] }
    }

    static func verify(
        _ scheme: SignatureScheme, keys: [[UInt8]], headers: [(String, String)], body: [UInt8],
        now: Int64 = now, tolerance: Int64 = 300
    ) -> Result<VerifiedDelivery, VerificationFailure> {
        SignatureVerifier(scheme: scheme, keys: keys, tolerance: tolerance)
            .verify(header: lookup(headers), body: body, now: now)
    }

    static func failure(_ result: Result<VerifiedDelivery, VerificationFailure>) -> VerificationFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    /// A 32-byte tag that is well formed but matches nothing.
    static func decoyTag(_ seed: UInt8) -> [UInt8] { [UInt8](repeating: seed, count: 32) }

    static func replacing(_ name: String, with value: String?, in headers: [(String, String)]) -> [(String, String)] {
        var result = headers.filter { $0.0 != name }
        if let value { result.append((name, value)) }
        return result
    }
}
