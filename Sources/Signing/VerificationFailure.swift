/// Why a delivery was refused. The sender only ever sees a generic 401; `reason` is
/// for the operator's log and never contains key material or expected signatures.
public enum VerificationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case missingHeader(String)
    case malformedHeader(String)
    /// A header the scheme reads was sent more than once.
    case repeatedHeader(String)
    /// `skew` is now minus the signed timestamp: positive when the delivery is old,
    /// negative when it claims to come from the future.
    case timestampOutOfTolerance(skew: Int64)
    case signatureMismatch
    case noKeys

    public var reason: String {
        switch self {
        case .missingHeader(let name):
            "missing header \(name)"
        case .malformedHeader(let name):
            "malformed header \(name)"
        case .repeatedHeader(let name):
            "header \(name) sent more than once"
        case .timestampOutOfTolerance(let skew) where skew >= 0:
            "timestamp is \(skew)s old, outside the tolerance"
        case .timestampOutOfTolerance(let skew):
            "timestamp is \(skew.magnitude)s in the future, outside the tolerance"
        case .signatureMismatch:
            "no signature matched any configured key"
        case .noKeys:
            "no verification keys are configured"
        }
    }

    public var description: String { reason }
}
