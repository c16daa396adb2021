/// The four APIs the gateway delivers to, by the names route files use.
enum APIName: String, Sendable, CaseIterable {
    case yunojuno, roosted, luminous, growcrm

    /// The name people know, for messages.
    var displayName: String {
        switch self {
        case .yunojuno: return "YunoJuno"
        case .roosted: return "Roosted"
        case .luminous: return "Luminous"
        case .growcrm: return "Grow CRM"
        }
    }

    /// Where a success answer keeps its record: Roosted answers with the object itself.
    var envelopeKey: String? { self == .roosted ? nil : "data" }
}
