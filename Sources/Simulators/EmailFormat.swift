/// The email check the simulators share. Deliberately close to what Django's
/// EmailValidator and Laravel's `email` rule both accept for ordinary addresses:
/// one `@`, a non-empty local part without spaces, and a dotted domain of non-empty labels.
enum EmailFormat {
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        guard !text.contains(where: { $0.isWhitespace || $0.isNewline }) else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }) else { return false }
        guard !parts[0].hasPrefix("."), !parts[0].hasSuffix("."), !parts[0].contains("..") else { return false }
        let allowedDomain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.")
        return parts[1].allSatisfy { allowedDomain.contains($0) || !$0.isASCII }
    }
}
