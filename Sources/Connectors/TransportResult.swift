import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What became of one HTTP request.
enum TransportResult: Sendable {
    case reply(HTTPReply)
    /// No complete answer within the timeout; the request may or may not have been performed.
    case timedOut
    /// The request failed below HTTP (refused, reset, DNS, TLS...).
    case failed(URLError.Code)
}
