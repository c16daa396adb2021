import COpenSSL

/// Comparisons whose duration does not depend on where two secrets first differ.
public enum ConstantTime {
    /// Lengths are public (every tag of a scheme has the same length), so checking
    /// them first leaks nothing; CRYPTO_memcmp needs it because it takes one length.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        guard !a.isEmpty else { return true }
        return a.withUnsafeBytes { left in
            b.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
