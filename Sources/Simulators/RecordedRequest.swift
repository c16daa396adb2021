import Foundation

/// One request as a simulator received it, and what became of it.
public struct RecordedRequest: Sendable {
    public let method: String
    /// The request target as sent: path and query.
    public let target: String
    /// Header fields in arrival order, names lowercased.
    public let headers: [(String, String)]
    public let body: [UInt8]
    /// The status answered; nil while pending, or when the connection was dropped.
    public internal(set) var status: Int?
    public let receivedAt: Date

    public var path: String { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target }
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The first value of header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let key = name.lowercased()
        return headers.first { $0.0 == key }?.1
    }
}
