/// Serialises `JSONValue` with sorted keys (stable output for logs, tests and diffs),
/// compact or indented by two spaces.
struct JSONWriter {
    private(set) var out: [UInt8] = []
    let pretty: Bool

    static func write(_ value: JSONValue, pretty: Bool) -> [UInt8] {
        var w = JSONWriter(pretty: pretty)
        w.out.reserveCapacity(256)
        w.emit(value, indent: 0)
        return w.out
    }

    private init(pretty: Bool) { self.pretty = pretty }

    private mutating func newline(_ indent: Int) {
        guard pretty else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent * 2))
    }

    private mutating func emit(_ value: JSONValue, indent: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let n): out.append(contentsOf: String(n).utf8)
        case .double(let d): out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
        case .string(let s): string(s)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (k, item) in items.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                emit(item, indent: indent + 1)
            }
            if !items.isEmpty { newline(indent) }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            for (k, key) in fields.keys.sorted().enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                string(key)
                out.append(UInt8(ascii: ":"))
                if pretty { out.append(0x20) }
                emit(fields[key]!, indent: indent + 1)
            }
            if !fields.isEmpty { newline(indent) }
            out.append(UInt8(ascii: "}"))
        }
    }

    private mutating func string(_ s: String) {
        Self.appendQuoted(s, to: &out)
    }

    static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
