/// The flags given to one verb: `--name value`, `--name=value`, or a bare `--switch`.
/// Unknown flags, stray words and empty values are errors, so a typo never silently falls
/// back to a default: `-dry-run` (one dash) once passed unseen and a dry run became a real
/// one, and `--source "$UNSET"` narrowed nothing offline but everything through `--url`.
struct Arguments {
    private var values: [String: String] = [:]
    private var switches: Set<String> = []

    init(_ raw: [String], options: Set<String>, flags: Set<String>) throws {
        var i = 0
        while i < raw.count {
            let arg = raw[i]
            i += 1
            guard arg.hasPrefix("--") else { throw UsageError("unexpected argument \"\(arg)\" (options start with --)") }
            var name = String(arg.dropFirst(2))
            var inline: String?
            if let eq = name.firstIndex(of: "=") {
                inline = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            if flags.contains(name) {
                guard inline == nil else { throw UsageError("--\(name) takes no value") }
                switches.insert(name)
            } else if options.contains(name) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard i < raw.count else { throw UsageError("--\(name) needs a value") }
                    value = raw[i]
                    i += 1
                }
                guard !value.isEmpty else { throw UsageError("--\(name) needs a value, not an empty one") }
                values[name] = value
            } else {
                throw UsageError("unknown option --\(name)")
            }
        }
    }

    subscript(_ name: String) -> String? { values[name] }
    func has(_ name: String) -> Bool { switches.contains(name) }
}

struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
