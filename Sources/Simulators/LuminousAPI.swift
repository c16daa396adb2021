import Foundation
import HTTP1
import Synchronization

/// Luminous's external API (base path `/external/api/v1`): contacts and companies.
final class LuminousAPI: APIBehaviour {
    enum Endpoint: Sendable { case createContact, getContact, updateContact, listCompanyContacts, createCompany, getCompany }

    private let routes = RouteTable<Endpoint>([
        ("POST", "/contacts", .createContact),
        ("GET", "/contacts/{id}", .getContact),
        ("POST", "/contacts/{id}", .updateContact),
        ("GET", "/companies/{id}/contacts", .listCompanyContacts),
        ("POST", "/companies", .createCompany),
        ("GET", "/companies/{id}", .getCompany),
    ])
    /// Laravel's paginator default; the maximum of 100 is *unconfirmed* for Luminous.
    static let defaultLimit = 15
    private let credentials: SimulatorCredentials
    private let state = Mutex(LuminousState())

    init(credentials: SimulatorCredentials) { self.credentials = credentials }

    func respond(to request: APIRequest) -> HTTPResponse {
        switch routes.resolve(method: request.method, path: request.path) {
        case .notFound:
            return errorResponse(status: 404, message: "Not Found", headers: [])
        case .methodNotAllowed(let allowed):
            return LaravelResponses.methodNotAllowed(request.method, allowed: allowed)
        case .found(let endpoint, let parameters):
            guard request.bearerToken == credentials.luminousToken else {
                return errorResponse(status: 401, message: "Unauthenticated.", headers: [])
            }
            let id = parameters.first.flatMap { Int($0) }
            if !parameters.isEmpty && id == nil {
                return errorResponse(status: 404, message: endpoint == .listCompanyContacts || endpoint == .getCompany
                                     ? "Company not found." : "Contact not found.", headers: [])
            }
            switch endpoint {
            case .getContact: return contact(id!)
            case .listCompanyContacts: return listContacts(company: id!, query: request.query)
            case .getCompany: return company(id!)
            case .createContact, .updateContact, .createCompany:
                let body: JSON
                do { body = try request.jsonObject() } catch { return errorResponse(status: 400, message: error.reason, headers: []) }
                if endpoint == .createCompany { return createCompany(body) }
                return endpoint == .createContact ? createContact(body) : updateContact(id!, body)
            }
        }
    }

    func errorResponse(status: Int, message: String, headers: [(String, String)]) -> HTTPResponse {
        LaravelResponses.error(status: status, message: message, headers: headers)
    }

    func stateSnapshot() -> JSON {
        let (companies, contacts) = state.withLock { ($0.companies, $0.contacts) }
        let byID = Dictionary(uniqueKeysWithValues: companies.map { ($0.id, $0) })
        return ["companies": .array(companies.map(\.json)),
                "contacts": .array(contacts.map { $0.json(company: byID[$0.primaryCompanyID]) })]
    }

    private func createContact(_ body: JSON) -> HTTPResponse {
        state.withLock { state in
            let (input, errors) = LuminousContactInput.read(body, creating: true) { state.company(id: $0) != nil }
            guard errors.isEmpty else { return LaravelResponses.invalid(errors) }
            let contact = state.createContact(input, now: Date())
            return .json(201, ["data": contact.json(company: state.company(id: contact.primaryCompanyID))])
        }
    }

    /// `POST /contacts/{id}`: partial; only the fields sent are validated and changed.
    private func updateContact(_ id: Int, _ body: JSON) -> HTTPResponse {
        state.withLock { state in
            guard state.contact(id: id) != nil else { return errorResponse(status: 404, message: "Contact not found.", headers: []) }
            let (input, errors) = LuminousContactInput.read(body, creating: false) { state.company(id: $0) != nil }
            guard errors.isEmpty else { return LaravelResponses.invalid(errors) }
            guard let contact = state.updateContact(id: id, input, now: Date()) else {
                return errorResponse(status: 404, message: "Contact not found.", headers: [])
            }
            return .json(200, ["data": contact.json(company: state.company(id: contact.primaryCompanyID))])
        }
    }

    private func contact(_ id: Int) -> HTTPResponse {
        state.withLock { state in
            guard let contact = state.contact(id: id) else { return errorResponse(status: 404, message: "Contact not found.", headers: []) }
            return .json(200, ["data": contact.json(company: state.company(id: contact.primaryCompanyID))])
        }
    }

    /// `GET /companies/{id}/contacts?page=&limit=&field[op]=value`, answered in Laravel's
    /// resource-collection shape `{data, meta}` (*unconfirmed*).
    private func listContacts(company id: Int, query: [String: String]) -> HTTPResponse {
        var errors = FieldErrors()
        let (page, limit) = LaravelResponses.paging(query, limitKey: "limit", defaultLimit: Self.defaultLimit, maxLimit: 100, errors: &errors)
        let filters = LuminousFilter.parse(query, errors: &errors)
        guard errors.isEmpty else { return LaravelResponses.invalid(errors) }
        return state.withLock { state in
            guard let company = state.company(id: id) else { return errorResponse(status: 404, message: "Company not found.", headers: []) }
            let matching = state.contacts.filter { contact in
                contact.companyIDs.contains(id) && filters.allSatisfy { $0.matches(contact) }
            }
            let items = LaravelResponses.slice(matching, page: page, limit: limit)
            return .json(200, ["data": .array(items.map { $0.json(company: state.company(id: $0.primaryCompanyID) ?? company) }),
                               "meta": LaravelResponses.meta(page: page, limit: limit, total: matching.count)])
        }
    }

    private func createCompany(_ body: JSON) -> HTTPResponse {
        var v = Validator(body: body, messages: LaravelMessages(), lenientScalars: true)
        let name = v.string("name", required: true, max: 255)
        let tags = v.stringList("tags", maxEach: 255) ?? []
        guard v.errors.isEmpty, let name else { return LaravelResponses.invalid(v.errors) }
        let company = state.withLock { $0.createCompany(name: name, tags: tags, now: Date()) }
        return .json(201, ["data": company.json])
    }

    private func company(_ id: Int) -> HTTPResponse {
        guard let company = state.withLock({ $0.company(id: id) }) else {
            return errorResponse(status: 404, message: "Company not found.", headers: [])
        }
        return .json(200, ["data": company.json])
    }
}
