import Foundation
import HTTP1
import Synchronization

/// Grow CRM's API (base path `/api`): contacts and client creation, in the documented
/// `{data, meta, message}` envelope with Laravel's `{message, errors}` failures.
final class GrowCRMAPI: APIBehaviour {
    enum Endpoint: Sendable { case list, create, get, update, delete, accountOwner, createClient }

    private let routes = RouteTable<Endpoint>([
        ("GET", "/contacts", .list),
        ("POST", "/contacts", .create),
        ("GET", "/contacts/{id}", .get),
        ("PATCH", "/contacts/{id}", .update),
        // Laravel resource routes answer PUT like PATCH; only PATCH is documented.
        ("PUT", "/contacts/{id}", .update),
        ("DELETE", "/contacts/{id}", .delete),
        ("PUT", "/contacts/{id}/account-owner", .accountOwner),
        ("POST", "/clients", .createClient),
    ])
    private let credentials: SimulatorCredentials
    private let state = Mutex(GrowCRMState())

    init(credentials: SimulatorCredentials) { self.credentials = credentials }

    func respond(to request: APIRequest) -> HTTPResponse {
        switch routes.resolve(method: request.method, path: request.path) {
        case .notFound:
            return errorResponse(status: 404, message: "Not Found", headers: [])
        case .methodNotAllowed(let allowed):
            return LaravelResponses.methodNotAllowed(request.method, allowed: allowed)
        case .found(let endpoint, let parameters):
            guard request.bearerToken == credentials.growcrmAPIKey else {
                return errorResponse(status: 401, message: "Unauthorized. A valid API key is required.", headers: [])
            }
            if endpoint == .list { return list(request.query) }
            var id = 0
            if let text = parameters.first {
                guard let number = Int(text) else { return notFound() }
                id = number
            }
            switch endpoint {
            case .get:
                return state.withLock { state in
                    guard let contact = state.contact(id: id) else { return notFound() }
                    return .json(200, ["data": contact.json(client: state.client(id: contact.clientID)), "message": "Contact retrieved successfully."])
                }
            case .delete:
                return state.withLock { state in
                    guard state.contact(id: id) != nil, state.update(id: id, { $0.deleted = true }, now: Date()) != nil else { return notFound() }
                    return .json(200, ["data": nil, "message": "Contact deleted successfully."])
                }
            case .accountOwner:
                return setAccountOwner(id)
            default:
                let body: JSON
                do { body = try request.jsonObject() } catch { return errorResponse(status: 400, message: error.reason, headers: []) }
                switch endpoint {
                case .create: return GrowCRMWrites.createContact(body, in: state)
                case .update: return GrowCRMWrites.updateContact(id, body, in: state)
                default: return GrowCRMWrites.createClient(body, in: state)
                }
            }
        }
    }

    func errorResponse(status: Int, message: String, headers: [(String, String)]) -> HTTPResponse {
        LaravelResponses.error(status: status, message: message, headers: headers)
    }

    func stateSnapshot() -> JSON {
        state.withLock { state in
            ["clients": .array(state.clients.map(\.summaryJSON)),
             "users": .array(state.users.map { user in
                 var json = user.json(client: state.client(id: user.clientID))
                 if case .object(var members) = json {
                     members.append(("client_user", .bool(user.isClientUser)))
                     json = .object(members)
                 }
                 return json
             })]
        }
    }

    private func notFound() -> HTTPResponse { errorResponse(status: 404, message: "Contact not found.", headers: []) }

    private func list(_ query: [String: String]) -> HTTPResponse {
        var errors = FieldErrors()
        let parsed = GrowCRMContactQuery.read(query, errors: &errors)
        guard errors.isEmpty else { return LaravelResponses.invalid(errors) }
        return state.withLock { state in
            let matching = parsed.apply(to: state.contacts)
            let page = LaravelResponses.slice(matching, page: parsed.page, limit: parsed.limit)
            return .json(200, ["data": .array(page.map { $0.json(client: state.client(id: $0.clientID)) }),
                               "meta": LaravelResponses.meta(page: parsed.page, limit: parsed.limit, total: matching.count),
                               "message": "Contacts retrieved successfully."])
        }
    }

    /// 404 for no such live user; 409 for a user who is not a client user (seeded team
    /// member 1); otherwise the contact becomes its client's one account owner.
    private func setAccountOwner(_ id: Int) -> HTTPResponse {
        state.withLock { state in
            guard let user = state.user(id: id) else { return notFound() }
            guard user.isClientUser else {
                return errorResponse(status: 409, message: "The contact does not belong to a client account.", headers: [])
            }
            guard let updated = state.makeAccountOwner(id: id, now: Date()) else { return notFound() }
            return .json(200, ["data": updated.json(client: state.client(id: updated.clientID)),
                               "message": "Contact set as account owner successfully."])
        }
    }
}
