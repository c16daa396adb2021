/// The APIs the gateway may call; an API left nil is not configured and its actions fail permanently.
public struct ConnectorSettings: Sendable {
    public var yunojuno: APIEndpoint?
    public var roosted: APIEndpoint?
    public var luminous: APIEndpoint?
    public var growcrm: APIEndpoint?

    public init(yunojuno: APIEndpoint? = nil, roosted: APIEndpoint? = nil,
                luminous: APIEndpoint? = nil, growcrm: APIEndpoint? = nil) {
        self.yunojuno = yunojuno
        self.roosted = roosted
        self.luminous = luminous
        self.growcrm = growcrm
    }

    func endpoint(for api: APIName) -> APIEndpoint? {
        switch api {
        case .yunojuno: return yunojuno
        case .roosted: return roosted
        case .luminous: return luminous
        case .growcrm: return growcrm
        }
    }
}
