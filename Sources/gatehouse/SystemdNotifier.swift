import Foundation
import Gateway
import Glibc

/// The systemd readiness protocol (`Type=notify`) spoken directly, without libsystemd.
///
/// When systemd starts a `Type=notify` service it sets `$NOTIFY_SOCKET` to the address of a
/// unix datagram socket: a file path, or an abstract-namespace name written with a leading `@`.
/// The service sends newline-separated `KEY=VALUE` lines in one datagram: `READY=1` once it
/// serves, `STOPPING=1` when it begins to stop, `STATUS=...` as free text for
/// `systemctl status`. The kernel attaches the sender's pid, which systemd checks against the
/// main process (`NotifyAccess=main`), so the datagram must come from this process.
///
/// With no `$NOTIFY_SOCKET` (not under systemd, or a `Type=simple` unit) every call does
/// nothing. A socket that is missing, refuses or fails is logged as a warning and otherwise
/// ignored: the readiness protocol must never stop the gateway from serving or stopping.
/// Other address kinds some systemd versions offer (`vsock:`) are not supported and are
/// reported as a warning. The send never blocks (`MSG_DONTWAIT`): a full queue is a warning too.
struct SystemdNotifier: Sendable {
    /// The address from the environment, or nil when there is nothing to notify.
    let socketAddress: String?
    let logger: Logger

    init(environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger) {
        let value = environment["NOTIFY_SOCKET"] ?? ""
        socketAddress = value.isEmpty ? nil : value
        self.logger = logger
    }

    /// The gateway is listening: systemd may start units ordered after it.
    func ready(status: String) {
        send(["READY=1", "STATUS=\(status)"])
    }

    /// A stop began: systemd shows the unit as deactivating while the gateway drains.
    func stopping() {
        send(["STOPPING=1", "STATUS=draining connections and flushing the log"])
    }

    /// Sends the lines as one datagram. Returns whether it was sent; failures are logged only.
    @discardableResult
    func send(_ lines: [String]) -> Bool {
        guard let address = socketAddress else { return false }
        let message = lines.joined(separator: "\n") + "\n"
        do {
            try Self.sendDatagram(Array(message.utf8), to: address)
            return true
        } catch {
            logger.warning("systemd notification not sent; serving anyway",
                           [("socket", address), ("message", lines.first ?? ""), ("error", "\(error)")])
            return false
        }
    }

    struct NotifyError: Error, CustomStringConvertible {
        let description: String
    }

    /// One datagram over a fresh AF_UNIX/SOCK_DGRAM socket, closed again at once (the
    /// messages are rare, so there is no socket to keep and none leaks into a child).
    static func sendDatagram(_ bytes: [UInt8], to address: String) throws {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        var path = Array(address.utf8)
        let abstract = path.first == UInt8(ascii: "@")
        guard abstract || path.first == UInt8(ascii: "/") else {
            throw NotifyError(description: "unsupported NOTIFY_SOCKET address (only a path or @abstract name)")
        }
        if abstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        // A path needs room for its terminating NUL; an abstract name is counted exactly.
        guard path.count + (abstract ? 0 : 1) <= capacity, path.count > 1 else {
            throw NotifyError(description: "NOTIFY_SOCKET address has a bad length (\(path.count) bytes)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: path)
        }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + path.count + (abstract ? 0 : 1)

        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw NotifyError(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let sent = withUnsafePointer(to: &addr) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { body in
                    sendto(fd, body.baseAddress, body.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), sa, socklen_t(length))
                }
            }
        }
        guard sent == bytes.count else {
            throw NotifyError(description: sent < 0 ? "sendto: \(String(cString: strerror(errno)))" : "short send (\(sent) of \(bytes.count) bytes)")
        }
    }
}
