/// One problem found while reading a route document, before it has a line number.
struct RouteIssue: Sendable, Equatable {
    let message: String
    /// Where the problem is (`rules[0].actions[1].body.email`); empty for the document itself.
    let location: String
    /// Set when the location alone would point at the wrong line (a repeated key).
    var line: Int?

    /// The message as diagnostics print it: the problem, then where.
    var text: String {
        location.isEmpty ? message : "\(message) in \(location)"
    }
}
