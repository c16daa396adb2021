import Foundation
import HTTP1
import Synchronization

/// YunoJuno's Client API. Errors other than validation use Django REST framework's
/// `{"detail": "..."}` shape and validation failures its flat `{"field": ["..."]}` shape,
/// both *unconfirmed* (the docs show only the 201).
final class YunoJunoAPI: APIBehaviour {
    enum Endpoint: Sendable { case token, invite, customFields }

    private let routes = RouteTable<Endpoint>([
        ("POST", "/oauth/token", .token),
        ("POST", "/client_contacts/", .invite),
        ("POST", "/client_contacts/{id}/custom_fields/", .customFields),
    ])
    private let credentials: SimulatorCredentials
    private let state = Mutex(YunoJunoState())

    init(credentials: SimulatorCredentials) { self.credentials = credentials }

    func respond(to request: APIRequest) -> HTTPResponse {
        switch routes.resolve(method: request.method, path: request.path) {
        case .notFound:
            return errorResponse(status: 404, message: "Not found.", headers: [])
        case .methodNotAllowed(let allowed):
            return errorResponse(status: 405, message: "Method \"\(request.method)\" not allowed.", headers: [("Allow", allowed.joined(separator: ", "))])
        case .found(.token, _):
            return YunoJunoTokenEndpoint(credentials: credentials).respond(to: request) { lifetime in
                state.withLock { $0.issueToken(lifetimeSeconds: lifetime, now: Date()) }
            }
        case .found(let endpoint, let parameters):
            if let refusal = authenticate(request) { return refusal }
            let body: JSON
            do {
                body = try request.jsonObject()
            } catch {
                return errorResponse(status: 400, message: error.reason, headers: [])
            }
            let origin = "http://" + (request.headers["host"] ?? "127.0.0.1")
            return endpoint == .invite ? invite(body, origin: origin) : updateCustomFields(parameters[0], body, origin: origin)
        }
    }

    func errorResponse(status: Int, message: String, headers: [(String, String)]) -> HTTPResponse {
        .json(status, ["detail": .string(message)], headers: headers)
    }

    func stateSnapshot() -> JSON {
        let contacts = state.withLock { $0.contacts }
        return ["client_contacts": .array(contacts.map(\.stateJSON))]
    }

    private func authenticate(_ request: APIRequest) -> HTTPResponse? {
        guard let token = request.bearerToken else {
            return errorResponse(status: 401, message: "Authentication credentials were not provided.",
                                 headers: [("WWW-Authenticate", "Bearer realm=\"api\"")])
        }
        guard state.withLock({ $0.isLive(token, now: Date()) }) else {
            return errorResponse(status: 401, message: "Invalid token.",
                                 headers: [("WWW-Authenticate", "Bearer realm=\"api\", error=\"invalid_token\"")])
        }
        return nil
    }

    /// `POST /client_contacts/`. A repeat for a known email answers 201 with the same ids,
    /// as the only documented answer is 201 and the call "adds the existing freelancer".
    private func invite(_ body: JSON, origin: String) -> HTTPResponse {
        var v = Validator(body: body, messages: DRFMessages())
        let email = v.email("email", required: true, max: 254)
        let firstName = v.string("first_name", required: true, max: 150)
        let lastName = v.string("last_name", required: true, max: 150)
        let hirer = v.string("hirer")
        let inviteMessage = v.string("invite_message", max: 1000)
        var customFields: [YunoJunoCustomField] = []
        if let list = body["custom_fields"], !list.isNull {
            customFields = YunoJunoCustomField.parseList(list, field: "custom_fields", errors: &v.errors) ?? []
        }
        guard v.errors.isEmpty, let email, let firstName, let lastName else { return .json(400, v.errors.json) }
        let (contact, _) = state.withLock {
            $0.invite(email: email, firstName: firstName, lastName: lastName, hirer: hirer,
                      inviteMessage: inviteMessage, customFields: customFields, now: Date())
        }
        return .json(201, ["data": contact.json(origin: origin)])
    }

    /// `POST /client_contacts/{id}/custom_fields/` (*unconfirmed* path, modelled on the
    /// documented contract twin): only the fields sent are validated and changed.
    private func updateCustomFields(_ id: String, _ body: JSON, origin: String) -> HTTPResponse {
        guard state.withLock({ $0.contact(id: id) }) != nil else {
            return errorResponse(status: 404, message: "Not found.", headers: [])
        }
        var errors = FieldErrors()
        guard let list = body["custom_fields"], !list.isNull else {
            errors.add("custom_fields", DRFMessages().required("custom_fields"))
            return .json(400, errors.json)
        }
        guard let updates = YunoJunoCustomField.parseList(list, field: "custom_fields", errors: &errors) else {
            return .json(400, errors.json)
        }
        guard let contact = state.withLock({ $0.updateCustomFields(id: id, updates) }) else {
            return errorResponse(status: 404, message: "Not found.", headers: [])
        }
        return .json(200, ["data": contact.json(origin: origin)])
    }
}
