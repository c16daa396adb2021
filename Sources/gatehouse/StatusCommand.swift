import Foundation
import Gateway
import Routing

enum StatusCommand: Command {
    static let name = "status"
    static let summary = "print a running gateway's status as a table"
    static let usage = """
    gatehouse status [--url http://127.0.0.1:8080] [--token-env VAR]

    Fetches GET /status from a running gateway and prints sources, APIs, jobs, the log and
    the listener as tables. --token-env names an environment variable holding the
    gateway's operator_token (the token itself never goes on the command line). Exits 1
    with the reason when the gateway cannot be reached or refuses the request.
    """
    static let options: Set<String> = ["url", "token-env"]
    static let flags: Set<String> = []

    static func run(_ arguments: Arguments) throws -> Int32 {
        let client = try OperatorClient(arguments, fallbackURL: "http://127.0.0.1:8080")
        let base = client.base
        let (status, body) = client.get("/status")
        guard status == 200 else { fail("\(base)/status answered \(status): \(TerminalText.printable(String(decoding: body.prefix(200), as: UTF8.self)))") }
        guard let document = try? JSONValue.parse(body) else { fail("\(base)/status did not answer JSON") }
        // Everything in it came from the server (API error messages among it): no escapes.
        print(TerminalText.printable(render(document, base: base)), terminator: "")
        return 0
    }

    // MARK: - Rendering

    static func render(_ s: JSONValue, base: String) -> String {
        var out = ""
        let ready = s[path: "ready"] == .bool(true)
        out += "gatehouse \(text(s[path: "version"])) at \(base): \(ready ? "ready" : "NOT READY"), up \(duration(int(s[path: "uptime_seconds"])))\n"
        if case .int(let age)? = s[path: "oldest_pending_age_seconds"] {
            out += "oldest pending job: \(duration(age))\n"
        } else {
            out += "no pending jobs\n"
        }

        out += "\nSOURCES\n"
        var rows: [[String]] = []
        for (name, v) in fields(s[path: "sources"]) {
            let reasons = fields(v[path: "rejected"])
            let total = reasons.reduce(Int64(0)) { $0 + int($1.value) }
            let detail = reasons.map { "\($0.key) \(int($0.value))" }.joined(separator: ", ")
            rows.append([name, "\(int(v[path: "accepted"]))", "\(int(v[path: "duplicates"]))", detail.isEmpty ? "\(total)" : "\(total) (\(detail))"])
        }
        out += table(["source", "accepted", "duplicates", "rejected"], rows, empty: "(no sources)")

        out += "\nAPIS\n"
        rows = []
        for (name, v) in fields(s[path: "apis"]) {
            var row = [name] + ["pending", "in_flight", "retrying", "succeeded", "failed", "dead"].map { "\(int(v[path: $0]))" }
            if case .string(let error)? = v[path: "last_error"] { row.append(String(error.prefix(60)) + (error.count > 60 ? "…" : "")) } else { row.append("") }
            rows.append(row)
        }
        out += table(["api", "pending", "in flight", "retrying", "succeeded", "failed", "dead", "last error"], rows, empty: "(no actions yet)")

        out += "\nJOBS\n"
        let states = ["pending", "in_flight", "succeeded", "failed", "dead"]
        out += table(states.map { $0.replacingOccurrences(of: "_", with: " ") }, [states.map { "\(int(s[path: "jobs.\($0)"]))" }], empty: "", labelled: false)

        out += "\nLOG\n"
        let log = s[path: "log"] ?? .null
        out += table(["segments", "size", "queue", "fsync p50", "fsync p99", "records/fsync"], [[
            "\(int(log[path: "segments"]))", bytes(int(log[path: "bytes"])), "\(int(log[path: "queue_depth"]))",
            micros(log[path: "fsync_p50_us"]), micros(log[path: "fsync_p99_us"]),
            { if case .double(let d)? = log[path: "average_group_size"] { return String(format: "%.2f", d) } else { return "\(int(log[path: "average_group_size"]))" } }(),
        ]], empty: "", labelled: false)
        if case .string(let error)? = log[path: "last_error"] { out += "last log error: \(error)\n" }

        out += "\nLISTENER\n"
        let l = s[path: "listener"] ?? .null
        out += table(["open conns", "accepted conns", "refused conns", "requests"], [[
            "\(int(l[path: "open_connections"]))", "\(int(l[path: "accepted_connections"]))",
            "\(int(l[path: "refused_connections"]))", "\(int(l[path: "requests"]))",
        ]], empty: "", labelled: false)
        return out
    }

    /// Columns padded to their widest cell, numbers right-aligned; with `labelled` the first
    /// column (names) and a last "error" column are left-aligned.
    private static func table(_ headers: [String], _ rows: [[String]], empty: String, labelled: Bool = true) -> String {
        guard !rows.isEmpty else { return "  \(empty)\n" }
        let all = [headers.map { $0.uppercased() }] + rows
        let widths = headers.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
        var out = ""
        for row in all {
            var line = " "
            for c in headers.indices {
                let cell = row.indices.contains(c) ? row[c] : ""
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                let last = c == headers.count - 1
                let leftAligned = labelled && (c == 0 || (last && headers[c].contains("error")))
                line += " " + (leftAligned ? cell + (last ? "" : pad) : pad + cell)
            }
            out += line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return out
    }

    private static func fields(_ v: JSONValue?) -> [(key: String, value: JSONValue)] {
        guard case .object(let o)? = v else { return [] }
        return o.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    private static func int(_ v: JSONValue?) -> Int64 {
        switch v {
        case .int(let n)?: return n
        case .double(let d)?:
            // Whatever the server sent: a NaN or a number past Int64 must not stop the CLI.
            guard d.isFinite else { return 0 }
            return Int64(max(-9.2e18, min(9.2e18, d)))
        default: return 0
        }
    }

    private static func text(_ v: JSONValue?) -> String { v?.scalarText ?? "" }

    private static func micros(_ v: JSONValue?) -> String {
        guard case .int(let us)? = v else { return "-" }
        return us >= 1000 ? String(format: "%.1f ms", Double(us) / 1000) : "\(us) us"
    }

    private static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    private static func duration(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m \(seconds % 60)s" }
        if seconds < 86400 { return "\(seconds / 3600)h \(seconds % 3600 / 60)m" }
        return "\(seconds / 86400)d \(seconds % 86400 / 3600)h"
    }
}
