import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Routing

/// The API's own explanation from an error answer, in one line: Laravel's and Roosted's
/// `{message, errors}`, Django REST framework's `{detail}` or `{field: [messages]}`, and
/// OAuth's `{error, error_description}`.
enum APIErrorMessage {
    static let limit = 500

    /// `hiding`: the credentials the request carried, taken out before the text is cut, so
    /// no part of one survives the cut.
    static func of(_ reply: HTTPReply, hiding secrets: [String] = []) -> String {
        var text: String
        if let json = reply.json, case .object(let members) = json {
            text = fromObject(members)
        } else {
            text = String(decoding: reply.body, as: UTF8.self)
                .split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        }
        text = SecretRedaction.redact(text, secrets)
        let message = text.isEmpty ? HTTPURLResponse.localizedString(forStatusCode: reply.status) : text
        return message.count > limit ? String(message.prefix(limit)) + "…" : message
    }

    private static func fromObject(_ members: [String: JSONValue]) -> String {
        var summary: String?
        for key in ["message", "detail", "error_description", "error"] {
            if case .string(let text)? = members[key], !text.isEmpty {
                summary = text
                break
            }
        }
        let fieldErrors: [String: JSONValue]
        if case .object(let errors)? = members["errors"] {
            fieldErrors = errors
        } else if summary == nil {
            // Django REST framework puts validation failures at the top level.
            fieldErrors = members
        } else {
            fieldErrors = [:]
        }
        let details = fieldErrors.keys.sorted().map { "\($0): \(messages(fieldErrors[$0]!))" }
        switch (summary, details.isEmpty) {
        case (let summary?, true): return summary
        case (let summary?, false): return "\(summary) (\(details.joined(separator: "; ")))"
        case (nil, false): return details.joined(separator: "; ")
        case (nil, true): return ""
        }
    }

    private static func messages(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .array(let items) where items.allSatisfy({ if case .string = $0 { return true } else { return false } }):
            return items.compactMap(\.scalarText).joined(separator: " ")
        default: return value.interpolationText
        }
    }
}
