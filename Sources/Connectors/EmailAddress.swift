/// The address check both sides of the APIs agree on for ordinary addresses: one `@`, a
/// local part without spaces or specials, and a dotted domain of sensible labels. Quoted
/// local parts and IP-literal domains are refused; no gateway action needs them.
enum EmailAddress {
    private static let localSpecials = Set("()<>[]\\,;:@\"")

    static func isValid(_ text: String) -> Bool {
        guard text.unicodeScalars.count <= 254 else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let (local, domain) = (parts[0], parts[1])
        guard !local.isEmpty, local.utf8.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) else { return false }
        guard !local.contains(where: { localSpecials.contains($0) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { !$0.isASCII || $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" }
        }
    }
}
