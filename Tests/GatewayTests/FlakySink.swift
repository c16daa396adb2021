import Foundation
import HTTP1
import Sockets

/// A loopback subscriber that answers 500 while `failing`, then 200, and counts what it got.
final class FlakySink: @unchecked Sendable {
    let server: HTTPServer
    let port: UInt16
    private let lock = NSLock()
    private var isFailing = true
    private var ids: [String] = []

    var failing: Bool {
        get { lock.lock(); defer { lock.unlock() }; return isFailing }
        set { lock.lock(); isFailing = newValue; lock.unlock() }
    }
    var count: Int { lock.lock(); defer { lock.unlock() }; return ids.count }
    var webhookIDs: [String] { lock.lock(); defer { lock.unlock() }; return ids }

    init() throws {
        let box = FlakySinkBox()
        server = HTTPServer(configuration: .init(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: 1)) { request, responder in
            guard let sink = box.sink else { return responder.respond(.text(.serviceUnavailable)) }
            responder.respond(sink.take(request.headers["webhook-id"] ?? "") ? .text(.internalServerError) : .text(.ok))
        }
        port = try server.start().port
        box.sink = self
    }

    /// Records the delivery; true when it is to be failed.
    private func take(_ id: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        ids.append(id)
        return isFailing
    }
}

private final class FlakySinkBox: @unchecked Sendable { weak var sink: FlakySink? }
