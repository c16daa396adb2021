import Foundation
import HTTP1

/// `POST /oauth/token`, OAuth 2.0 client credentials (RFC 6749 §4.4). Errors use the
/// RFC's `{"error": ...}` shape rather than the API's `{"detail": ...}`.
struct YunoJunoTokenEndpoint {
    let credentials: SimulatorCredentials

    /// The grant type, client id and secret, from wherever the client put them.
    private struct Grant {
        var grantType: String?
        var clientID: String?
        var clientSecret: String?
    }

    func respond(to request: APIRequest, issue: (Int) -> String) -> HTTPResponse {
        guard var grant = parameters(request) else {
            return .json(400, ["error": "invalid_request", "error_description": "The request body could not be parsed."])
        }
        if let basic = basicCredentials(request) {
            // RFC 6749 §2.3.1 prefers HTTP Basic; when both are sent, Basic wins.
            grant.clientID = basic.id
            grant.clientSecret = basic.secret
        }
        guard let grantType = grant.grantType, !grantType.isEmpty else {
            return .json(400, ["error": "invalid_request", "error_description": "Missing grant_type parameter."])
        }
        guard grantType == "client_credentials" else {
            return .json(400, ["error": "unsupported_grant_type"])
        }
        guard grant.clientID == credentials.yunojunoClientID, grant.clientSecret == credentials.yunojunoClientSecret else {
            return .json(401, ["error": "invalid_client"], headers: [("WWW-Authenticate", "Basic realm=\"oauth\"")])
        }
        let lifetime = credentials.yunojunoTokenLifetimeSeconds
        return .json(200, ["access_token": .string(issue(lifetime)), "token_type": "Bearer", "expires_in": .int(lifetime)],
                     headers: [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
    }

    /// Body parameters: JSON when the content type says so, form-encoded otherwise.
    private func parameters(_ request: APIRequest) -> Grant? {
        if request.isJSON {
            guard let body = try? request.jsonObject() else { return nil }
            return Grant(grantType: body["grant_type"]?.stringValue, clientID: body["client_id"]?.stringValue,
                         clientSecret: body["client_secret"]?.stringValue)
        }
        let form = FormBody.decode(request.body)
        return Grant(grantType: form["grant_type"], clientID: form["client_id"], clientSecret: form["client_secret"])
    }

    private func basicCredentials(_ request: APIRequest) -> (id: String, secret: String)? {
        guard let value = request.headers["authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              let decoded = String(data: data, encoding: .utf8),
              let colon = decoded.firstIndex(of: ":") else { return nil }
        // The pair is form-encoded before base64 (RFC 6749 §2.3.1), so undo that too.
        return (FormBody.unescape(decoded[..<colon]), FormBody.unescape(decoded[decoded.index(after: colon)...]))
    }
}
