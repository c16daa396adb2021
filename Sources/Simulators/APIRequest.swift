import Foundation
import HTTP1

/// A request as an API behaviour sees it: the path relative to the API's base path, and
/// helpers for the two credentials shapes and the JSON bodies the APIs take.
struct APIRequest: Sendable {
    let method: String
    /// Path below the API's base path, without the query (`/contacts/4`).
    let path: String
    let query: [String: String]
    let headers: HTTPHeaders
    let body: [UInt8]

    /// Why a body could not be used as a JSON object.
    struct BodyError: Error, Sendable {
        let reason: String
    }

    /// The token after `Bearer ` (scheme matched case-insensitively, as RFC 6750 allows).
    var bearerToken: String? {
        guard let value = headers["authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    /// The body as a JSON object; an empty body counts as `{}` so that a missing body is
    /// reported as missing fields, which is what the real frameworks do.
    func jsonObject() throws(BodyError) -> JSON {
        if body.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) { return .object([]) }
        let value: JSON
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw BodyError(reason: "JSON parse error at byte \(error.offset): \(error.reason)")
        }
        guard case .object = value else { throw BodyError(reason: "the request body must be a JSON object") }
        return value
    }

    var isJSON: Bool { headers["content-type"]?.lowercased().contains("json") ?? false }
}
