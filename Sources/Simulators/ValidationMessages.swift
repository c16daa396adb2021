/// The wording of validation failures, which differs per framework: Django REST framework
/// (YunoJuno), Laravel (Luminous, Grow CRM) and Roosted's own.
protocol ValidationMessages: Sendable {
    func required(_ field: String) -> String
    func blank(_ field: String) -> String
    func tooLong(_ field: String, max: Int) -> String
    func notString(_ field: String) -> String
    func invalidEmail(_ field: String) -> String
    func notInteger(_ field: String) -> String
    func notBoolean(_ field: String) -> String
    func notList(_ field: String, got: JSON) -> String
    func invalidSelection(_ field: String) -> String
    func taken(_ field: String) -> String
}
