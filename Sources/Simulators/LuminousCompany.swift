import Foundation

/// A Luminous company, the owner of contacts.
struct LuminousCompany: Sendable {
    let id: Int
    let name: String
    let tags: [String]
    let createdAt: Date

    var summaryJSON: JSON { ["id": .int(id), "name": .string(name)] }

    var json: JSON {
        let stamp = JSON.string(Timestamp.iso8601(createdAt))
        return ["id": .int(id), "name": .string(name), "tags": .array(tags.map(JSON.string)),
                "created_at": stamp, "updated_at": stamp]
    }
}
