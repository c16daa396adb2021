import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A failed step of an attempt, before it is worded as an outcome for a given operation.
struct AttemptFailure: Error, Sendable {
    let retryable: Bool
    let status: Int?
    let detail: String
    var retryAfterSeconds: Double? = nil

    func outcome(label: String) -> ActionOutcome {
        let error = "\(label): \(detail)"
        return retryable ? .retryable(status: status, error: error, retryAfterSeconds: retryAfterSeconds)
                         : .permanent(status: status, error: error)
    }

    static func permanent(_ detail: String, status: Int? = nil) -> AttemptFailure {
        AttemptFailure(retryable: false, status: status, detail: detail)
    }

    /// A timeout or a failure below HTTP. Only malformed URLs are permanent: every other
    /// network failure may pass, and the engine's retry schedule is bounded.
    static func transport(_ result: TransportResult, timeoutSeconds: Double) -> AttemptFailure {
        switch result {
        case .reply(let reply):
            return AttemptFailure(retryable: true, status: reply.status, detail: "unexpected answer")
        case .timedOut:
            return AttemptFailure(retryable: true, status: nil,
                                  detail: "timed out after \(Self.seconds(timeoutSeconds)) s without a complete answer; the request may have reached the API")
        case .failed(let code):
            switch code {
            case .badURL, .unsupportedURL:
                return permanent("the API's URL is not usable (URLError \(code.rawValue))")
            case .cannotConnectToHost:
                return AttemptFailure(retryable: true, status: nil, detail: "could not connect (connection refused)")
            case .networkConnectionLost, .badServerResponse:
                return AttemptFailure(retryable: true, status: nil, detail: "the connection closed before an answer; the request may have reached the API")
            case .cannotFindHost, .dnsLookupFailed:
                return AttemptFailure(retryable: true, status: nil, detail: "could not resolve the API's host")
            case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
                 .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot:
                return AttemptFailure(retryable: true, status: nil, detail: "the TLS connection failed (URLError \(code.rawValue))")
            case .dataLengthExceedsMaximum:
                return AttemptFailure(retryable: true, status: nil,
                                      detail: "the answer was over \(SessionDelegate.maxAnswerBytes >> 20) MiB and was not read further")
            default:
                return AttemptFailure(retryable: true, status: nil, detail: "network error (URLError \(code.rawValue))")
            }
        }
    }

    /// An answer outside 2xx. 408, 429 and 5xx pass; other refusals would be repeated.
    /// `secrets`: the credentials the request carried; an answer that echoes one has it
    /// taken out before it becomes the outcome's text.
    static func reply(_ reply: HTTPReply, api: APIName, secrets: [String] = []) -> AttemptFailure {
        let message = APIErrorMessage.of(reply, hiding: secrets)
        switch reply.status {
        case 408, 429, 500...599:
            return AttemptFailure(retryable: true, status: reply.status, detail: "HTTP \(reply.status): \(message)",
                                  retryAfterSeconds: RetryAfter.seconds(reply.header("Retry-After")))
        case 401:
            return permanent("\(api.displayName) refused the credentials (HTTP 401): \(message)", status: 401)
        case 403:
            return permanent("\(api.displayName) does not permit this (HTTP 403): \(message)", status: 403)
        default:
            return permanent("HTTP \(reply.status): \(message)", status: reply.status)
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}
