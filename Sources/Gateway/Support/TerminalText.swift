/// Text from elsewhere (a server's status, an API's error message) made safe to print on an
/// operator's terminal: control characters other than line ends and tabs become `?`, so an
/// answer cannot move the cursor, recolour the screen or set the window title.
public enum TerminalText {
    public static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            let v = scalar.value
            let control = v < 0x20 && v != 0x0A && v != 0x09 || (0x7F...0x9F).contains(v)
            return control ? "?" : scalar
        }))
    }
}
