import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing

/// Everything needed to talk to one API: its endpoint, its credentials and its gate.
final class APIConnection: Sendable {
    let api: APIName
    let endpoint: APIEndpoint
    let gate: RequestGate
    private let transport: Transport
    private let tokens: TokenManager?

    init(api: APIName, endpoint: APIEndpoint, transport: Transport) {
        self.api = api
        self.endpoint = endpoint
        self.transport = transport
        gate = RequestGate(slots: endpoint.concurrency)
        if case .oauthClientCredentials(let tokenURL, let clientID, let clientSecret) = endpoint.auth {
            tokens = TokenManager(api: api, tokenURL: tokenURL ?? Self.join(endpoint.baseURL, "/oauth/token"),
                                  clientID: clientID, clientSecret: clientSecret,
                                  timeoutSeconds: endpoint.timeoutSeconds, transport: transport)
        } else {
            tokens = nil
        }
    }

    /// The credentials this connection sends, for taking them out of what the API answers.
    var secrets: [String] {
        switch endpoint.auth {
        case .apiKeyHeader(_, let key): return [key]
        case .bearer(let token): return [token]
        case .oauthClientCredentials: return tokens?.credentials ?? []
        }
    }

    /// Sends one request with the API's credentials. With OAuth, a 401 means the token died
    /// early (revoked, clock skew): the token is fetched again once and the request resent
    /// once, which is safe because a 401 means nothing was done.
    func send(_ method: String, _ target: String, body: JSONValue?) async -> Exchange {
        guard let url = URL(string: Self.join(endpoint.baseURL, target)), url.scheme != nil else {
            return .failure(.permanent("the base URL is not a valid URL"))
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = Data(body.serialized())
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        switch endpoint.auth {
        case .apiKeyHeader(let name, let key):
            // The guide that puts Roosted's key in `Authorization` gives it as a bearer token:
            // a bare key there is sent as one (a key given with its scheme goes as it is).
            let bare = name.lowercased() == "authorization" && !key.contains(" ")
            request.setValue(bare ? "Bearer \(key)" : key, forHTTPHeaderField: name)
            return await exchange(request)
        case .bearer(let token):
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
            return await exchange(request)
        case .oauthClientCredentials:
            return await sendWithToken(request)
        }
    }

    private func sendWithToken(_ request: URLRequest) async -> Exchange {
        guard let tokens else { return .failure(.permanent("OAuth is configured but no token manager was made")) }
        let token: String
        switch await tokens.token() {
        case .token(let value): token = value
        case .failure(let failure): return .failure(failure)
        }
        let first = await exchange(Self.request(request, bearer: token))
        guard case .reply(let reply) = first, reply.status == 401 else { return first }
        tokens.discard(token)
        switch await tokens.token() {
        case .token(let fresh): return await exchange(Self.request(request, bearer: fresh))
        case .failure(let failure): return .failure(failure)
        }
    }

    private static func request(_ request: URLRequest, bearer token: String) -> URLRequest {
        var authorized = request
        authorized.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        return authorized
    }

    private func exchange(_ request: URLRequest) async -> Exchange {
        let result = await transport.send(request, timeoutSeconds: endpoint.timeoutSeconds)
        if case .reply(let reply) = result { return .reply(reply) }
        return .failure(.transport(result, timeoutSeconds: endpoint.timeoutSeconds))
    }

    /// The base URL and a path below it, with exactly one slash between them.
    static func join(_ base: String, _ path: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
