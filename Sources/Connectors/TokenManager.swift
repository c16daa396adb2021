import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing
import Synchronization

/// OAuth 2.0 client credentials (RFC 6749 §4.4) for one API: fetches a token, caches it,
/// refreshes it before expiry, and makes concurrent callers share one fetch in flight.
final class TokenManager: Sendable {
    /// Assumed when an answer leaves out `expires_in`; a wrong guess costs one 401 and a refetch.
    static let defaultLifetimeSeconds = 3600.0
    /// A token is refreshed at least this often, whatever its answer says (a day).
    static let maxLifetimeSeconds: Double = 86400

    private struct State {
        var current: AccessToken?
        var fetch: Task<TokenResult, Never>?
    }

    private let api: APIName
    private let tokenURL: String
    private let clientID: String
    private let clientSecret: String
    private let timeoutSeconds: Double
    private let transport: Transport
    private let state = Mutex(State())

    init(api: APIName, tokenURL: String, clientID: String, clientSecret: String, timeoutSeconds: Double, transport: Transport) {
        self.api = api
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.timeoutSeconds = timeoutSeconds
        self.transport = transport
    }

    /// A fresh token: the cached one, the one being fetched, or a newly fetched one.
    func token() async -> TokenResult {
        let (ready, fetch) = state.withLock { state -> (String?, Task<TokenResult, Never>?) in
            if let current = state.current, current.isFresh { return (current.value, nil) }
            if let fetch = state.fetch { return (nil, fetch) }
            let fetch = Task { await self.fetchAndKeep() }
            state.fetch = fetch
            return (nil, fetch)
        }
        if let ready { return .token(ready) }
        return await fetch!.value
    }

    /// What this manager sends or holds that an answer must not echo: the client's id and
    /// secret, their Basic form, and the current token.
    var credentials: [String] {
        let basic = Data("\(clientID):\(clientSecret)".utf8).base64EncodedString()
        return [clientID, clientSecret, basic] + (state.withLock { $0.current?.value }.map { [$0] } ?? [])
    }

    /// Forgets `token` after the API refused it, unless another caller already replaced it.
    func discard(_ token: String) {
        state.withLock { state in
            if state.current?.value == token { state.current = nil }
        }
    }

    private func fetchAndKeep() async -> TokenResult {
        let requestedAt = ContinuousClock.now
        let (result, lifetime) = await fetch()
        state.withLock { state in
            state.fetch = nil
            if case .token(let value) = result {
                state.current = AccessToken(value: value, lifetimeSeconds: lifetime, requestedAt: requestedAt)
            }
        }
        return result
    }

    private func fetch() async -> (TokenResult, Double) {
        guard let url = URL(string: tokenURL), url.scheme != nil else {
            return (.failure(.permanent("the token URL is not a valid URL")), 0)
        }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        // RFC 6749 §2.3.1: the id and secret are form-encoded before the Basic encoding.
        let pair = URLEscaping.escape(clientID) + ":" + URLEscaping.escape(clientSecret)
        request.setValue("Basic " + Data(pair.utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        request.httpBody = Data("grant_type=client_credentials".utf8)
        let result = await transport.send(request, timeoutSeconds: timeoutSeconds)
        guard case .reply(let reply) = result else {
            let failure = AttemptFailure.transport(result, timeoutSeconds: timeoutSeconds)
            return (.failure(AttemptFailure(retryable: failure.retryable, status: nil, detail: "token request: \(failure.detail)")), 0)
        }
        return read(reply)
    }

    private func read(_ reply: HTTPReply) -> (TokenResult, Double) {
        let json = reply.json
        if (200...299).contains(reply.status) {
            guard case .string(let token)? = json?[path: "access_token"], !token.isEmpty else {
                return (.failure(AttemptFailure(retryable: true, status: reply.status, detail: "token request: the answer holds no access_token")), 0)
            }
            let lifetime = json?[path: "expires_in"]?.scalarText.flatMap(Double.init) ?? Self.defaultLifetimeSeconds
            // Bounded before any arithmetic: `expires_in: 1e20` once overflowed the refresh time.
            guard lifetime.isFinite, lifetime > 0 else { return (.token(token), Self.defaultLifetimeSeconds) }
            return (.token(token), min(lifetime, Self.maxLifetimeSeconds))
        }
        if reply.status == 401 || (reply.status == 400 && json?[path: "error"] == .string("invalid_client")) {
            return (.failure(.permanent("\(api.displayName) rejected the client credentials (HTTP \(reply.status) invalid_client)", status: reply.status)), 0)
        }
        let failure = AttemptFailure.reply(reply, api: api, secrets: credentials)
        return (.failure(AttemptFailure(retryable: failure.retryable, status: failure.status, detail: "token request: \(failure.detail)",
                                        retryAfterSeconds: failure.retryAfterSeconds)), 0)
    }
}
