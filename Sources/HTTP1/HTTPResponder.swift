import Sockets

/// The way back to one waiting request. Handlers may answer at once or later from any
/// thread (after a durable log append, say); the answer hops onto the connection's loop.
/// A responder whose connection has gone away answers into nothing, harmlessly.
public struct HTTPResponder: Sendable {
    let loop: EventLoop
    let registry: HTTPLoopRegistry
    let fd: Int32
    let connectionID: UInt64

    public func respond(_ response: HTTPResponse) {
        if loop.isCurrent {
            registry.deliver(response, fd: fd, connectionID: connectionID)
        } else {
            let registry = registry, fd = fd, id = connectionID
            loop.execute { registry.deliver(response, fd: fd, connectionID: id) }
        }
    }

    /// Closes the connection without answering: for simulating a peer that fails mid-request.
    public func abort() {
        let registry = registry, fd = fd, id = connectionID
        if loop.isCurrent {
            registry.abort(fd: fd, connectionID: id)
        } else {
            loop.execute { registry.abort(fd: fd, connectionID: id) }
        }
    }
}
