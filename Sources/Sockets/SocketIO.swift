import CLinux
import Glibc

/// Non-blocking reads and writes on a connected socket, with the errno cases that matter
/// to a server folded into three outcomes.
public enum SocketIO {
    public enum ReadResult { case bytes(Int), wouldBlock, closed }
    public enum WriteResult { case wrote(Int), wouldBlock, failed }

    public static func read(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> ReadResult {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n > 0 { return .bytes(n) }
            if n == 0 { return .closed }
            let e = gh_errno()
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .closed
        }
    }

    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> WriteResult {
        while true {
            let n = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if n >= 0 { return .wrote(n) }
            let e = gh_errno()
            if e == EINTR { continue }
            if e == EAGAIN || e == EWOULDBLOCK { return .wouldBlock }
            return .failed
        }
    }

    /// Stops sending but keeps reading, so an error answer reaches a client that is still
    /// uploading instead of being destroyed by a reset.
    public static func shutdownWrite(_ fd: Int32) { _ = shutdown(fd, Int32(SHUT_WR)) }

    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }
}
