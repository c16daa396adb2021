import Glibc

/// A failed socket call, carrying the call's name and errno so operators see the real cause.
public enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case system(call: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidAddress(let why): return "invalid address: \(why)"
        case .system(let call, let code): return "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        }
    }

    static func last(_ call: String) -> SocketError { .system(call: call, errno: errno) }
}
