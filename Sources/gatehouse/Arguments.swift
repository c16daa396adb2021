/// The flags given to one verb: `--name value`, `--name=value`, or a bare `--switch`.
/// Unknown flags are errors, so a typo never silently falls back to a default.
struct Arguments {
    private var values: [String: String] = [:]
    private var switches: Set<String> = []
    private(set) var positional: [String] = []

    init(_ raw: [String], options: Set<String>, flags: Set<String>) throws {
        var i = 0
        while i < raw.count {
            let arg = raw[i]
            i += 1
            guard arg.hasPrefix("--") else { positional.append(arg); continue }
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
                if let inline { values[name] = inline; continue }
                guard i < raw.count else { throw UsageError("--\(name) needs a value") }
                values[name] = raw[i]
                i += 1
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
