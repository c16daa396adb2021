import Foundation
import HTTP1
import Sockets

/// Starts an HTTPServer on an ephemeral loopback port with a handler that echoes what it
/// framed, and can answer late (header `x-delay-ms`) to exercise asynchronous responders.
func startEchoServer(limits: HTTPLimits = HTTPLimits(), loops: Int = 2) throws -> (HTTPServer, UInt16) {
    try startServer(limits: limits, loops: loops) { request, responder in
        let text = "\(request.method) \(request.target) \(request.body.count) \(String(decoding: request.body, as: UTF8.self))"
        let response = HTTPResponse.text(.ok, text)
        if let delay = request.headers["x-delay-ms"].flatMap(Int.init) {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) { responder.respond(response) }
        } else {
            responder.respond(response)
        }
    }
}

/// Starts an HTTPServer on an ephemeral loopback port with `handler`.
func startServer(limits: HTTPLimits, loops: Int, handler: @escaping HTTPHandler) throws -> (HTTPServer, UInt16) {
    let config = HTTPServer.Configuration(address: try SocketAddress(parsing: "127.0.0.1:0"), loops: loops, limits: limits)
    let server = HTTPServer(configuration: config, handler: handler)
    return (server, try server.start().port)
}
