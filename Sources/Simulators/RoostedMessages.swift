/// Roosted documents no error wording; these are *unconfirmed* placeholders that at least
/// name the field and the rule, so a connector's logs stay readable.
struct RoostedMessages: ValidationMessages {
    func required(_ field: String) -> String { "\(field) is required." }
    func blank(_ field: String) -> String { "\(field) must be between 1 and 255 characters." }
    func tooLong(_ field: String, max: Int) -> String { "\(field) must be at most \(max) characters." }
    func notString(_ field: String) -> String { "\(field) must be a string." }
    func invalidEmail(_ field: String) -> String { "\(field) must be a valid email address." }
    func notInteger(_ field: String) -> String { "\(field) must be an integer." }
    func notBoolean(_ field: String) -> String { "\(field) must be a boolean." }
    func notList(_ field: String, got: JSON) -> String { "\(field) must be a list." }
    func invalidSelection(_ field: String) -> String { "\(field) is invalid." }
    func taken(_ field: String) -> String { "\(field) is already in use." }
}
