import Foundation

/// A Grow CRM client account: the company that contacts belong to.
struct GrowCRMClient: Sendable {
    let id: Int
    let companyName: String
    let createdAt: Date

    var summaryJSON: JSON { ["id": .int(id), "company_name": .string(companyName)] }
}
