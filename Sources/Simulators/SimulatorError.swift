/// Why a simulator could not start.
public enum SimulatorError: Error, Sendable, Equatable, CustomStringConvertible {
    case alreadyRunning(SimulatedAPI)

    public var description: String {
        switch self {
        case .alreadyRunning(let api): return "the \(api.rawValue) simulator is already running"
        }
    }
}
