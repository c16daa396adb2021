import HTTP1
import Sockets
import Synchronization

/// A loopback HTTP server imitating one downstream API, with in-memory records, staged
/// faults and a journal of what it received.
public final class APISimulator: Sendable {
    public let api: SimulatedAPI
    public let credentials: SimulatorCredentials
    public let faults: FaultPlan
    private let core: SimulatorCore
    private let running = Mutex<(server: HTTPServer?, host: String, port: UInt16)>((nil, "127.0.0.1", 0))

    public init(api: SimulatedAPI, credentials: SimulatorCredentials = .development) {
        self.api = api
        self.credentials = credentials
        let faults = FaultPlan()
        self.faults = faults
        let behaviour: any APIBehaviour
        switch api {
        case .yunojuno: behaviour = YunoJunoAPI(credentials: credentials)
        case .roosted: behaviour = RoostedAPI(credentials: credentials)
        case .luminous: behaviour = LuminousAPI(credentials: credentials)
        case .growcrm: behaviour = GrowCRMAPI(credentials: credentials)
        }
        core = SimulatorCore(api: api, behaviour: behaviour, faults: faults)
    }

    /// Binds and starts serving; returns the bound port (the kernel's choice for port 0).
    /// Records survive a shutdown and restart, as a real API's would.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: UInt16 = 0) throws -> UInt16 {
        try running.withLock { running in
            guard running.server == nil else { throw SimulatorError.alreadyRunning(api) }
            // One loop is plenty for test traffic and keeps four simulators light on a small machine.
            let configuration = HTTPServer.Configuration(address: try SocketAddress(host: host, port: port), loops: 1,
                                                         threadName: "sim-\(api.rawValue)")
            let core = core
            let server = HTTPServer(configuration: configuration) { request, responder in core.handle(request, responder) }
            let bound = try server.start()
            running = (server, host, bound.port)
            return bound.port
        }
    }

    /// Stops serving. Requests still inside a `.delay` fault get a short grace to finish.
    public func shutdown() {
        let server = running.withLock { running -> HTTPServer? in
            defer { running.server = nil }
            return running.server
        }
        server?.shutdown(grace: 2)
    }

    /// The bound port, or nil when not running.
    public var port: UInt16? { running.withLock { $0.server == nil ? nil : $0.port } }

    /// Origin plus the API's base path (`http://127.0.0.1:PORT/api` for Grow CRM): what a
    /// connector takes in place of the production base URL.
    public var baseURL: String {
        let (host, port) = running.withLock { ($0.host, $0.port) }
        let printedHost = host.contains(":") ? "[\(host)]" : host
        return "http://\(printedHost):\(port)\(api.basePath)"
    }

    /// Every API request received since the last reset, oldest first (control requests excluded).
    public func journal() -> [RecordedRequest] { core.journal.entries }

    public func resetJournal() { core.journal.reset() }
}
