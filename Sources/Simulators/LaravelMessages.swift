import Foundation

/// Laravel's validator wording, which names the field with underscores as spaces. The
/// `has already been taken` form in providers.md is the Laravel 8/9 wording, so that
/// generation's messages are used throughout.
struct LaravelMessages: ValidationMessages {
    private func name(_ field: String) -> String { field.replacingOccurrences(of: "_", with: " ") }

    func required(_ field: String) -> String { "The \(name(field)) field is required." }
    func blank(_ field: String) -> String { required(field) }
    func tooLong(_ field: String, max: Int) -> String { "The \(name(field)) must not be greater than \(max) characters." }
    func notString(_ field: String) -> String { "The \(name(field)) must be a string." }
    func invalidEmail(_ field: String) -> String { "The \(name(field)) must be a valid email address." }
    func notInteger(_ field: String) -> String { "The \(name(field)) must be an integer." }
    func notBoolean(_ field: String) -> String { "The \(name(field)) field must be true or false." }
    func notList(_ field: String, got: JSON) -> String { "The \(name(field)) must be an array." }
    func invalidSelection(_ field: String) -> String { "The selected \(name(field)) is invalid." }
    func taken(_ field: String) -> String { "The \(name(field)) has already been taken." }
}
