extension GenericHMAC {
    /// How the tag is written in the signature header; config spells it "hex" or "base64".
    public enum Encoding: String, Sendable, Equatable, Codable, CaseIterable {
        case hex
        case base64

        func encode(_ tag: [UInt8]) -> String {
            switch self {
            case .hex: Hex.encode(tag)
            case .base64: Base64.encode(tag)
            }
        }

        func decode(_ text: Substring) -> [UInt8]? {
            switch self {
            case .hex: Hex.decode(text.utf8)
            case .base64: Base64.decode(text.utf8)
            }
        }
    }
}
