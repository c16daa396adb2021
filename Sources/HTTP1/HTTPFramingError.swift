/// Why the decoder refused a request: the status to answer with and, for the operator's
/// log, the precise reason. The connection is closed after such an answer because the
/// framing of anything after it can no longer be trusted.
public struct HTTPFramingError: Error, Sendable, Equatable {
    public let status: HTTPStatus
    public let reason: String

    init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    /// A short stable label for counters (`rejections by reason`).
    public var label: String {
        switch status.code {
        case 413: return "body_too_large"
        case 431: return "headers_too_large"
        case 501: return "unsupported_transfer_coding"
        case 505: return "unsupported_version"
        case 417: return "bad_expect"
        case 408: return "timeout"
        default: return "bad_request"
        }
    }
}

