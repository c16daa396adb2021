import Foundation
import HTTP1
import Synchronization

/// Grow CRM's validated writes. Each validates and writes under one lock so two
/// concurrent creates with the same email cannot both pass the uniqueness check.
enum GrowCRMWrites {
    static func createContact(_ body: JSON, in state: borrowing Mutex<GrowCRMState>) -> HTTPResponse {
        state.withLock { state in
            var v = Validator(body: body, messages: LaravelMessages(), lenientScalars: true)
            let firstName = v.string("first_name", required: true)
            let lastName = v.string("last_name", required: true)
            let email = uniqueEmail(&v, state: state, ignoring: nil)
            let clientID = v.integer("clientid", required: true)
            if let clientID, state.client(id: clientID) == nil { v.errors.add("clientid", v.messages.invalidSelection("clientid")) }
            let phone = v.string("phone")
            let position = v.string("position")
            // Accepted and checked; no email is ever sent by the simulator.
            _ = v.choice("send_email", ["yes", "no"])
            guard v.errors.isEmpty, let firstName, let lastName, let email, let clientID else { return LaravelResponses.invalid(v.errors) }
            let user = state.addUser(clientID: clientID, firstName: firstName, lastName: lastName, email: email,
                                     phone: phone, position: position, accountOwner: false, now: Date())
            return .json(201, ["data": ["id": .int(user.id), "name": .string(user.name)], "message": "Contact created successfully."])
        }
    }

    /// `PATCH /contacts/{id}`: names and email are required every time; phone and
    /// position change only when sent (null clears them). Account ownership is untouched.
    static func updateContact(_ id: Int, _ body: JSON, in state: borrowing Mutex<GrowCRMState>) -> HTTPResponse {
        state.withLock { state in
            guard state.contact(id: id) != nil else { return LaravelResponses.error(status: 404, message: "Contact not found.") }
            var v = Validator(body: body, messages: LaravelMessages(), lenientScalars: true)
            let firstName = v.string("first_name", required: true)
            let lastName = v.string("last_name", required: true)
            let email = uniqueEmail(&v, state: state, ignoring: id)
            let phone = v.string("phone")
            let position = v.string("position")
            guard v.errors.isEmpty, let firstName, let lastName, let email else { return LaravelResponses.invalid(v.errors) }
            let updated = state.update(id: id, { user in
                user.firstName = firstName
                user.lastName = lastName
                user.email = email
                if body["phone"] != nil { user.phone = phone }
                if body["position"] != nil { user.position = position }
            }, now: Date())
            guard let updated else { return LaravelResponses.error(status: 404, message: "Contact not found.") }
            return .json(200, ["data": updated.json(client: state.client(id: updated.clientID)), "message": "Contact updated successfully."])
        }
    }

    /// `POST /clients`: makes the client account and its first user, the account owner
    /// (Grow CRM's clients always have a primary contact). The answer's shape is *unconfirmed*.
    static func createClient(_ body: JSON, in state: borrowing Mutex<GrowCRMState>) -> HTTPResponse {
        state.withLock { state in
            var v = Validator(body: body, messages: LaravelMessages(), lenientScalars: true)
            let firstName = v.string("first_name", required: true)
            let lastName = v.string("last_name", required: true)
            let email = uniqueEmail(&v, state: state, ignoring: nil)
            let companyName = v.string("client_company_name")
            guard v.errors.isEmpty, let firstName, let lastName, let email else { return LaravelResponses.invalid(v.errors) }
            let now = Date()
            let client = state.addClient(companyName: companyName ?? "\(firstName) \(lastName)", now: now)
            let owner = state.addUser(clientID: client.id, firstName: firstName, lastName: lastName, email: email,
                                      phone: nil, position: nil, accountOwner: true, now: now)
            return .json(201, ["data": ["id": .int(client.id), "company_name": .string(client.companyName), "contact_id": .int(owner.id)],
                               "message": "Client created successfully."])
        }
    }

    private static func uniqueEmail(_ v: inout Validator, state: GrowCRMState, ignoring id: Int?) -> String? {
        guard let email = v.email("email", required: true) else { return nil }
        guard !state.emailTaken(email, ignoring: id) else {
            v.errors.add("email", v.messages.taken("email"))
            return nil
        }
        return email
    }
}
