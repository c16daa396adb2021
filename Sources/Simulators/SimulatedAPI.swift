/// The four downstream APIs that Gatehouse delivers to and that this module imitates.
public enum SimulatedAPI: String, Sendable, CaseIterable {
    case yunojuno, roosted, luminous, growcrm

    /// The path every documented endpoint sits under, so a connector configured with the
    /// production base URL needs only the origin swapped to talk to the simulator.
    public var basePath: String {
        switch self {
        case .yunojuno: return ""
        case .roosted: return "/api/1_12"
        case .luminous: return "/external/api/v1"
        case .growcrm: return "/api"
        }
    }
}
