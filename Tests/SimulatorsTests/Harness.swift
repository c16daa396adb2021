import Foundation
import TestSupport
import XCTest
@testable import Simulators

/// What came back from one call; `status` 0 means the connection closed with no answer.
struct Reply {
    let status: Int
    let headers: [String: String]
    let body: String
    var json: JSON { (try? JSONParser.parse(body)) ?? .null }
    var answered: Bool { status != 0 }
}

/// One running simulator and a client for it. Each call opens its own connection so a
/// dropped one cannot disturb the next.
final class Harness {
    let simulator: APISimulator
    let port: UInt16
    private var token: String?

    init(_ api: SimulatedAPI, credentials: SimulatorCredentials = .development) throws {
        simulator = APISimulator(api: api, credentials: credentials)
        port = try simulator.start()
    }

    func stop() { simulator.shutdown() }

    var credentials: SimulatorCredentials { simulator.credentials }

    /// Calls `path` below the API's base path, with the API's credentials unless told not to.
    func call(_ method: String, _ path: String, json: String? = nil, headers: [(String, String)] = [],
              authenticated: Bool = true, underBasePath: Bool = true) -> Reply {
        var all = headers
        if authenticated { all += authHeaders() }
        if json != nil { all.append(("Content-Type", "application/json")) }
        let target = (underBasePath ? simulator.api.basePath : "") + path
        return raw(method, target, body: Array((json ?? "").utf8), headers: all)
    }

    /// Sends exactly what it is given.
    func raw(_ method: String, _ target: String, body: [UInt8] = [], headers: [(String, String)] = []) -> Reply {
        guard let client = try? RawClient(port: port, timeoutSeconds: 5),
              let response = client.request(method, target, headers: headers, body: body) else {
            return Reply(status: 0, headers: [:], body: "")
        }
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    func authHeaders() -> [(String, String)] {
        switch simulator.api {
        case .yunojuno: return [("Authorization", "Bearer \(yunojunoToken())")]
        case .roosted: return [(credentials.roostedHeaderName, credentials.roostedAPIKey)]
        case .luminous: return [("Authorization", "Bearer \(credentials.luminousToken)")]
        case .growcrm: return [("Authorization", "Bearer \(credentials.growcrmAPIKey)")]
        }
    }

    /// A token fetched once through the real token endpoint and reused.
    func yunojunoToken() -> String {
        if let token { return token }
        let reply = fetchToken()
        token = reply.json["access_token"]?.stringValue ?? "no-token"
        return token!
    }

    func fetchToken(clientID: String? = nil, secret: String? = nil) -> Reply {
        let id = clientID ?? credentials.yunojunoClientID, key = secret ?? credentials.yunojunoClientSecret
        let basic = Data("\(id):\(key)".utf8).base64EncodedString()
        return raw("POST", "/oauth/token", body: Array("grant_type=client_credentials".utf8),
                   headers: [("Authorization", "Basic \(basic)"), ("Content-Type", "application/x-www-form-urlencoded")])
    }

    func forgetToken() { token = nil }

    /// The simulator's `/_sim/state` records, for checking what a call really did.
    func state() -> JSON { raw("GET", "/_sim/state").json["state"] ?? .null }
}

/// Field errors of a 4xx body as `{field: [messages]}`, where the API nests them.
func messages(_ reply: Reply, _ field: String, under key: String? = "errors") -> [String] {
    let container = key.map { reply.json[$0] ?? .null } ?? reply.json
    return container[field]?.arrayValue?.compactMap(\.stringValue) ?? []
}

func string(_ length: Int, _ character: Character = "a") -> String { String(repeating: character, count: length) }
