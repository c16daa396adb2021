/// Random identifiers in the providers' shapes (`clct_…`, `fp_…`, Roosted's `uLu8K`).
enum RandomID {
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func make(prefix: String = "", length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<length).map { _ in alphanumerics.randomElement(using: &generator)! })
    }

    /// A fresh id not in `taken`: short ids collide often enough to matter in long test runs.
    static func unique(prefix: String = "", length: Int, notIn taken: (String) -> Bool) -> String {
        while true {
            let id = make(prefix: prefix, length: length)
            if !taken(id) { return id }
        }
    }
}
