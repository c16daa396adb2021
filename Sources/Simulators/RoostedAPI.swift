import Foundation
import HTTP1
import Synchronization

/// Roosted's API (base path `/api/1_12`). Its error bodies are undocumented; this uses
/// `{"message": "..."}` plus `errors` on validation failures, answered 400 — all *unconfirmed*.
final class RoostedAPI: APIBehaviour {
    enum Endpoint: Sendable { case createClient, listClients, getClient }

    private let routes = RouteTable<Endpoint>([
        ("POST", "/clients", .createClient),
        ("GET", "/clients", .listClients),
        ("GET", "/clients/{id}", .getClient),
    ])
    /// *Unconfirmed* page-size default when `items_per_page` is absent.
    static let defaultPageSize = 25
    private let credentials: SimulatorCredentials
    private let state = Mutex(RoostedState())

    init(credentials: SimulatorCredentials) { self.credentials = credentials }

    func respond(to request: APIRequest) -> HTTPResponse {
        switch routes.resolve(method: request.method, path: request.path) {
        case .notFound:
            return errorResponse(status: 404, message: "Not found.", headers: [])
        case .methodNotAllowed(let allowed):
            return errorResponse(status: 405, message: "Method not allowed.", headers: [("Allow", allowed.joined(separator: ", "))])
        case .found(let endpoint, let parameters):
            if let refusal = authenticate(request) { return refusal }
            switch endpoint {
            case .createClient: return create(request)
            case .listClients: return list(request)
            case .getClient:
                guard let client = state.withLock({ $0.client(id: parameters[0]) }) else {
                    return errorResponse(status: 404, message: "Client not found.", headers: [])
                }
                return .json(200, client.json)
            }
        }
    }

    func errorResponse(status: Int, message: String, headers: [(String, String)]) -> HTTPResponse {
        .json(status, ["message": .string(message)], headers: headers)
    }

    func stateSnapshot() -> JSON {
        ["clients": .array(state.withLock { $0.clients }.map(\.json))]
    }

    private func authenticate(_ request: APIRequest) -> HTTPResponse? {
        let headerName = credentials.roostedHeaderName
        guard var presented = request.headers[headerName], !presented.isEmpty else {
            return errorResponse(status: 401, message: "Missing API key: send it in the \(headerName) header.", headers: [])
        }
        // In `Authorization` the key is a bearer token, as the guide that uses that header shows.
        if headerName.lowercased() == "authorization" {
            guard presented.lowercased().hasPrefix("bearer ") else {
                return errorResponse(status: 401, message: "Invalid API key: send it as Authorization: Bearer <key>.", headers: [])
            }
            presented = String(presented.dropFirst("bearer ".count)).trimmingCharacters(in: .whitespaces)
        }
        guard presented == credentials.roostedAPIKey else {
            return errorResponse(status: 401, message: "Invalid API key.", headers: [])
        }
        return nil
    }

    private func create(_ request: APIRequest) -> HTTPResponse {
        let body: JSON
        do { body = try request.jsonObject() } catch { return errorResponse(status: 400, message: error.reason, headers: []) }
        var v = Validator(body: body, messages: RoostedMessages(), trims: false)
        let name = v.string("client_name", required: true, max: 255)
        let contactName = v.string("client_contact_name", max: 255)
        let contactEmail = v.string("client_contact_email", max: 255)
        let invoiceID = v.string("client_invoice_customer_id", max: 255)
        let address = v.string("client_address", max: 65535)
        let city = v.string("client_city", max: 255)
        let region = v.string("client_state", max: 255)
        let postalCode = v.string("client_postal_code", max: 255)
        guard v.errors.isEmpty, let name else {
            return .json(400, ["message": .string(v.errors.firstMessage ?? "Invalid request."), "errors": v.errors.json])
        }
        let client = state.withLock {
            $0.create { id in
                RoostedClient(id: id, name: name, contactName: contactName, contactEmail: contactEmail,
                              invoiceCustomerID: invoiceID, address: address, city: city, state: region,
                              postalCode: postalCode, createdAt: Date())
            }
        }
        // The reference labels the answer "Created".
        return .json(201, client.json)
    }

    /// `items_per_page` must be 1–100 as documented; out of range is refused rather than
    /// clamped (*unconfirmed*) so a connector paging wrongly finds out here.
    private func list(_ request: APIRequest) -> HTTPResponse {
        var errors = FieldErrors()
        // Absent means the default; present but not a number means nil, which is refused.
        let size: Int? = request.query["items_per_page"].map { Int($0) } ?? Self.defaultPageSize
        let page: Int? = request.query["page"].map { Int($0) } ?? 1
        if size == nil || !(1...100).contains(size!) { errors.add("items_per_page", "items_per_page must be an integer from 1 to 100.") }
        if page == nil || page! < 1 { errors.add("page", "page must be a positive integer.") }
        guard errors.isEmpty, let size, let page else {
            return .json(400, ["message": .string(errors.firstMessage ?? "Invalid request."), "errors": errors.json])
        }
        let (clients, total) = state.withLock { $0.page(page, size: size) }
        return .json(200, ["clients": .array(clients.map(\.json)), "total_count": .int(total)])
    }
}
