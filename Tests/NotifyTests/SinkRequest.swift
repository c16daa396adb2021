import HTTP1

/// One request as the sink framed it.
struct SinkRequest: Sendable {
    let target: String
    let headers: HTTPHeaders
    let body: [UInt8]
    /// Unix ms when it was framed.
    let at: Int64

    var webhookID: String { headers["webhook-id"] ?? "" }
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}
