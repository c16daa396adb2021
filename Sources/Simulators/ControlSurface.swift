import HTTP1

/// `/_sim/...`: lets scripts stage faults and read what a simulator saw, over plain HTTP.
/// Not part of any real API, and deliberately unauthenticated: simulators bind loopback.
struct ControlSurface {
    enum Endpoint: Sendable { case faults, stageFault, clearFaults, journal, clearJournal, state }

    private static let routes = RouteTable<Endpoint>([
        ("GET", "/_sim/faults", .faults),
        ("POST", "/_sim/faults", .stageFault),
        ("DELETE", "/_sim/faults", .clearFaults),
        ("GET", "/_sim/journal", .journal),
        ("DELETE", "/_sim/journal", .clearJournal),
        ("GET", "/_sim/state", .state),
    ])

    let core: SimulatorCore

    func respond(to request: HTTPRequest) -> HTTPResponse {
        switch Self.routes.resolve(method: request.method, path: String(request.path)) {
        case .notFound:
            return .json(404, ["error": "no such control endpoint"])
        case .methodNotAllowed(let allowed):
            return .json(405, ["error": "method not allowed"], headers: [("Allow", allowed.joined(separator: ", "))])
        case .found(let endpoint, _):
            return perform(endpoint, request)
        }
    }

    private func perform(_ endpoint: Endpoint, _ request: HTTPRequest) -> HTTPResponse {
        switch endpoint {
        case .faults:
            return .json(200, ["faults": .array(core.faults.pending.map(FaultCoding.encode))])
        case .stageFault:
            let queued: QueuedFault
            do {
                queued = try FaultCoding.decode(try JSONParser.parse(request.body))
            } catch let error as FaultCoding.Invalid {
                return .json(400, ["error": .string(error.reason)])
            } catch {
                return .json(400, ["error": "the body must be a JSON object describing one fault"])
            }
            core.faults.add(queued.fault, times: queued.remaining, method: queued.method, pathPrefix: queued.pathPrefix)
            return .json(201, ["queued": FaultCoding.encode(queued), "pending": .int(core.faults.pending.count)])
        case .clearFaults:
            let count = core.faults.pending.count
            core.faults.clear()
            return .json(200, ["cleared": .int(count)])
        case .journal:
            return .json(200, ["api": .string(core.api.rawValue), "requests": .array(core.journal.entries.map(Self.encode))])
        case .clearJournal:
            core.journal.reset()
            return .json(200, ["cleared": true])
        case .state:
            return .json(200, ["api": .string(core.api.rawValue), "state": core.behaviour.stateSnapshot()])
        }
    }

    private static func encode(_ entry: RecordedRequest) -> JSON {
        [
            "method": .string(entry.method),
            "target": .string(entry.target),
            "headers": .array(entry.headers.map { [.string($0.0), .string($0.1)] }),
            "body": .string(entry.bodyText),
            "status": .optional(entry.status),
            "received_at": .string(Timestamp.precise(entry.receivedAt)),
        ]
    }
}
