/// All four simulators together: what the gateway's embedded default and its end-to-end
/// tests start, so the whole flow runs without any provider credentials.
public final class SimulatorFleet: Sendable {
    public let yunojuno: APISimulator
    public let roosted: APISimulator
    public let luminous: APISimulator
    public let growcrm: APISimulator

    public init(credentials: SimulatorCredentials = .development) {
        yunojuno = APISimulator(api: .yunojuno, credentials: credentials)
        roosted = APISimulator(api: .roosted, credentials: credentials)
        luminous = APISimulator(api: .luminous, credentials: credentials)
        growcrm = APISimulator(api: .growcrm, credentials: credentials)
    }

    public subscript(api: SimulatedAPI) -> APISimulator {
        switch api {
        case .yunojuno: return yunojuno
        case .roosted: return roosted
        case .luminous: return luminous
        case .growcrm: return growcrm
        }
    }

    public var simulators: [APISimulator] { SimulatedAPI.allCases.map { self[$0] } }

    /// Starts every simulator, each on the port given for it or an ephemeral one, and
    /// returns the bound ports. If any fails to start, those already started are stopped.
    @discardableResult
    public func start(host: String = "127.0.0.1", ports: [SimulatedAPI: UInt16] = [:]) throws -> [SimulatedAPI: UInt16] {
        var bound: [SimulatedAPI: UInt16] = [:]
        do {
            for api in SimulatedAPI.allCases {
                bound[api] = try self[api].start(host: host, port: ports[api] ?? 0)
            }
        } catch {
            for api in bound.keys { self[api].shutdown() }
            throw error
        }
        return bound
    }

    public func baseURL(for api: SimulatedAPI) -> String { self[api].baseURL }

    public var baseURLs: [SimulatedAPI: String] {
        Dictionary(uniqueKeysWithValues: SimulatedAPI.allCases.map { ($0, self[$0].baseURL) })
    }

    public func shutdown() {
        for simulator in simulators { simulator.shutdown() }
    }
}
