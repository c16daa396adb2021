import Foundation
import HTTP1
import Sockets

/// A loopback subscriber on HTTP1.HTTPServer: records every request it frames and answers
/// each as its script says (at once, late, never, or by dropping the connection).
final class ScriptedSink: Sendable {
    enum Answer: Sendable {
        case respond(HTTPResponse)
        case late(milliseconds: Int, HTTPResponse)
        case never
        case drop
    }

    let port: UInt16
    private let server: HTTPServer
    private let recorder: RequestRecorder

    /// `script` gets each request and its 0-based index among all requests so far.
    init(loops: Int = 1, limits: HTTPLimits = HTTPLimits(),
         script: @escaping @Sendable (SinkRequest, Int) -> Answer = { _, _ in .respond(HTTPResponse(.ok)) }) throws {
        let recorder = RequestRecorder()
        self.recorder = recorder
        let config = HTTPServer.Configuration(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: loops, limits: limits)
        server = HTTPServer(configuration: config) { request, responder in
            let received = SinkRequest(target: request.target, headers: request.headers, body: request.body,
                                       at: Int64(Date().timeIntervalSince1970 * 1000))
            let index = recorder.append(received)
            switch script(received, index) {
            case .respond(let response): responder.respond(response)
            case .late(let ms, let response):
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms)) { responder.respond(response) }
            case .never: break
            case .drop: responder.abort()
            }
        }
        port = try server.start().port
    }

    var url: String { "http://127.0.0.1:\(port)/hooks?from=gatehouse" }
    var requests: [SinkRequest] { recorder.all }
    var count: Int { recorder.all.count }
    var acceptedConnections: Int { server.counters.snapshot().acceptedConnections }

    func stop() { server.shutdown(grace: 0.2) }
}
