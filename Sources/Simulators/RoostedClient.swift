import Foundation

/// A Roosted client record, with every field of the documented answer object.
struct RoostedClient: Sendable {
    let id: String
    var name: String
    var contactName: String?
    var contactEmail: String?
    var invoiceCustomerID: String?
    var address: String?
    var city: String?
    var state: String?
    var postalCode: String?
    let createdAt: Date

    var json: JSON {
        [
            "id": .string(id),
            "client_name": .string(name),
            "client_contact_name": .optional(contactName),
            "client_contact_phone": nil,
            "client_contact_email": .optional(contactEmail),
            "client_contact_title": nil,
            "default_comments_for_workers": nil,
            "client_invoice_customer_id": .optional(invoiceCustomerID),
            "client_address": .optional(address),
            "client_city": .optional(city),
            "client_state": .optional(state),
            "client_postal_code": .optional(postalCode),
            "company_name": nil,
            // Portal fields stay null: the Invite Client endpoint (path unconfirmed) is not simulated.
            "client_portal_connection_status": nil,
            "client_portal_connection_datetime": nil,
            "client_portal_invite_datetime": nil,
            "client_portal_invite_email": nil,
            "pending": false,
        ]
    }
}
