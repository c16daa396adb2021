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
    ///
    /// Loopback alone is not enough: a page whose name was rebound to 127.0.0.1 reaches the
    /// gateway from loopback with its own name in `Host`, and a proxy on the same machine
    /// makes every client look local. So without a token, `Host` must name loopback and no
    /// proxy header may be present.
    public static func decide(authorization: String?, peer: SocketAddress?, tokenDigest: [UInt8]?,
                              host: String? = nil, proxied: Bool = false) -> Decision {
        guard let tokenDigest else {
            return peer?.isLoopback == true && !proxied && namesLoopback(host) ? .allowed : .forbidden
        }
        guard let presented = bearer(authorization) else { return .unauthorized }
        return ConstantTime.equals(SHA256Digest.hash(Array(presented.utf8)), tokenDigest) ? .allowed : .unauthorized
    }

    /// Whether a `Host` value (port allowed) names this machine's loopback: `localhost`,
    /// `127.x.x.x` or `[::1]`. A missing Host (HTTP/1.0) is accepted; the peer is loopback.
    static func namesLoopback(_ host: String?) -> Bool {
        guard let host = host?.lowercased() else { return true }
        if host == "[::1]" || host.hasPrefix("[::1]:") { return true }
        let name = host.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? host
        if name == "localhost" { return true }
        let octets = name.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Headers a forwarding proxy adds: a request carrying one came from further away.
    static let proxyHeaders = ["forwarded", "x-forwarded-for", "x-real-ip", "via"]

    /// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
    static func bearer(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
