import Foundation
import Signing
import Sockets

/// Who may read the operator endpoints. With `operator_token` configured every request must
/// carry `Authorization: Bearer <token>`; without one they answer loopback peers only, so a
/// gateway listening on a public address never shows its state to the world by default.
public enum OperatorAccess {
    public enum Decision: Sendable, Equatable {
        case allowed
        /// 401: a token is configured and the request did not present it.
        case unauthorized
        /// 403: no token is configured and the peer is not on loopback.
        case forbidden
    }

    /// `tokenDigest` is the SHA-256 of the configured token (nil: none configured). The
    /// presented token is hashed too and the digests compared in constant time, so neither
    /// the token's bytes nor its length leak through timing.
    public static func decide(authorization: String?, peer: SocketAddress?, tokenDigest: [UInt8]?) -> Decision {
        guard let tokenDigest else { return peer?.isLoopback == true ? .allowed : .forbidden }
        guard let presented = bearer(authorization) else { return .unauthorized }
        return ConstantTime.equals(SHA256Digest.hash(Array(presented.utf8)), tokenDigest) ? .allowed : .unauthorized
    }

    /// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
