import Foundation
import Routing

/// An API's answer, whatever its status.
struct HTTPReply: Sendable {
    let status: Int
    /// Header names lowercased.
    let headers: [String: String]
    let body: [UInt8]

    /// The body as JSON, nil when it is not JSON.
    var json: JSONValue? { try? JSONValue.parse(body) }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}
