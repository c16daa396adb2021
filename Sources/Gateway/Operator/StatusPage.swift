import Foundation
import Routing

/// `GET /status.html` (or `/status` asked for as `text/html`): the status document as a page
/// a person reads at a glance. Rendered from the same JSON `/status` returns, so the two
/// never disagree. Self-contained: inline CSS and SVG, no scripts, no external assets.
enum StatusPage {
    static let refreshSeconds = 30

    static func render(_ status: JSONValue) -> String {
        let h = HTMLText.escape
        var page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="refresh" content="\(refreshSeconds)">
        <title>Gatehouse status</title>
        <style>\(css)</style></head><body>

        """
        let ready = status[path: "ready"] == .bool(true)
        page += "<header><h1>Gatehouse \(h(text(status[path: "version"])))</h1><div class=\"badges\">"
        page += "<span class=\"\(ready ? "ok" : "bad")\">\(ready ? "ready" : "not ready")</span>"
        page += "<span>up \(duration(int(status[path: "uptime_seconds"])))</span>"
        if let age = status[path: "oldest_pending_age_seconds"], case .int(let seconds) = age {
            page += "<span class=\"\(seconds > 300 ? "warn" : "ok")\">oldest pending job: \(duration(seconds))</span>"
        } else {
            page += "<span class=\"ok\">no pending jobs</span>"
        }
        let auth = text(status[path: "operator_auth"])
        page += "<span>access: \(auth == "bearer_token" ? "bearer token" : "loopback only")</span></div></header>\n"

        page += "<h2>Last hour</h2><div class=\"charts\">"
        let accepted = ints(status[path: "rates.accepted_per_minute"])
        let successes = ints(status[path: "rates.action_successes_per_minute"])
        let failures = ints(status[path: "rates.action_failures_per_minute"])
        page += figure("Accepted webhooks per minute", total: "\(accepted.reduce(0, +)) in the hour",
                       RateChart(title: "Accepted webhooks per minute", series: [.init(name: "accepted", color: "#2f6fdb", values: accepted)]))
        page += figure("Action attempts per minute",
                       total: "\(successes.reduce(0, +)) succeeded, \(failures.reduce(0, +)) failed or retrying",
                       RateChart(title: "Action attempts per minute", series: [
                           .init(name: "succeeded", color: "#2a9d5b", values: successes),
                           .init(name: "failed or retrying", color: "#d64545", values: failures),
                       ]))
        page += "</div>\n"

        page += "<h2>Sources</h2>"
        var sourceRows: [[String]] = []
        for (name, value) in fields(status[path: "sources"]) {
            let rejected = fields(value[path: "rejected"]).map { "\($0.key) \(int($0.value))" }
            let rejectedTotal = fields(value[path: "rejected"]).reduce(Int64(0)) { $0 + int($1.value) }
            sourceRows.append([name, "\(int(value[path: "accepted"]))", "\(int(value[path: "duplicates"]))",
                               rejected.isEmpty ? "0" : "\(rejectedTotal) (\(rejected.joined(separator: ", ")))"])
        }
        page += table(["source", "accepted", "duplicates", "rejected"], sourceRows, empty: "no sources configured")

        page += "<h2>APIs</h2>"
        let labels = ["pending", "in_flight", "retrying", "succeeded", "failed", "dead"]
        var apiRows: [[String]] = []
        for (name, value) in fields(status[path: "apis"]) {
            var row = [name] + labels.map { "\(int(value[path: $0]))" }
            if let error = value[path: "last_error"], case .string(let message) = error {
                row.append("\(message) (\(text(value[path: "last_error_at"])))")
            } else {
                row.append("")
            }
            apiRows.append(row)
        }
        page += table(["api", "pending", "in flight", "retrying", "succeeded", "failed", "dead", "last error"], apiRows,
                      empty: "no actions yet", errorColumn: 7)

        page += "<h2>Jobs</h2>"
        let jobStates = ["pending", "in_flight", "succeeded", "failed", "dead"]
        page += table(jobStates.map { $0.replacingOccurrences(of: "_", with: " ") },
                      [jobStates.map { "\(int(status[path: "jobs.\($0)"]))" }], empty: "")

        page += "<h2>Log</h2>"
        let log = status[path: "log"] ?? .null
        var logRows: [[String]] = [
            ["segments", "\(int(log[path: "segments"]))"],
            ["size", bytes(int(log[path: "bytes"]))],
            ["records appended since start", "\(int(log[path: "records_appended"]))"],
            ["events folded", "\(int(status[path: "events.applied"]))"],
            ["queue depth", "\(int(log[path: "queue_depth"]))"],
            ["fsync p50 / p99", "\(micros(log[path: "fsync_p50_us"])) / \(micros(log[path: "fsync_p99_us"]))"],
            ["records per fsync", number(log[path: "average_group_size"])],
        ]
        if case .string(let error)? = log[path: "last_error"] { logRows.append(["last error", error]) }
        page += table(["", ""], logRows, empty: "", header: false)

        page += "<h2>Listener</h2>"
        let listener = status[path: "listener"] ?? .null
        let rejections = fields(listener[path: "rejections"]).map { "\($0.key) \(int($0.value))" }
        page += table(["", ""], [
            ["open connections", "\(int(listener[path: "open_connections"]))"],
            ["connections accepted", "\(int(listener[path: "accepted_connections"]))"],
            ["connections refused (limit)", "\(int(listener[path: "refused_connections"]))"],
            ["requests", "\(int(listener[path: "requests"]))"],
            ["requests refused by framing rules", rejections.isEmpty ? "0" : rejections.joined(separator: ", ")],
        ], empty: "", header: false)

        page += "<footer>Refreshes every \(refreshSeconds) s. The same figures: <code>GET /status</code> (JSON), "
        page += "<a href=\"/metrics\">/metrics</a> (Prometheus).</footer>\n</body></html>\n"
        return page
    }

    static let css = """
    body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1d2329;background:#f6f8fa}
    h1{font-size:1.35rem;margin:0 0 .4rem}h2{font-size:1rem;margin:1.6rem 0 .5rem;color:#3a4651}
    .badges span{display:inline-block;padding:.15rem .6rem;border-radius:1rem;margin:0 .4rem .3rem 0;background:#e6eaee}
    .ok{background:#d8f3e0!important;color:#12653a}.bad{background:#fde1e1!important;color:#9b1c1c}.warn{background:#fff0c7!important;color:#7a5200}
    table{border-collapse:collapse;background:#fff;border:1px solid #e1e6ea}th,td{padding:.3rem .75rem;border-bottom:1px solid #eef1f3;text-align:right;font-variant-numeric:tabular-nums}
    th{background:#f0f3f5;font-weight:600}th:first-child,td:first-child{text-align:left}td.err{text-align:left;color:#9b1c1c;max-width:36rem;font-size:12px}
    .charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;background:#fff;border:1px solid #e1e6ea;padding:.6rem .8rem}
    figcaption{font-weight:600}figcaption span{font-weight:400;color:#68737d;margin-left:.5rem}.empty{color:#68737d}
    footer{margin-top:2rem;color:#68737d;font-size:12px}
    """

    private static func figure(_ caption: String, total: String, _ chart: RateChart) -> String {
        "<figure><figcaption>\(HTMLText.escape(caption))<span>\(HTMLText.escape(total))</span></figcaption>\(chart.svg())</figure>"
    }

    private static func table(_ headers: [String], _ rows: [[String]], empty: String, header: Bool = true, errorColumn: Int? = nil) -> String {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(HTMLText.escape(empty))</p>\n" }
        var out = "<table>"
        if header { out += "<tr>" + headers.map { "<th>\(HTMLText.escape($0))</th>" }.joined() + "</tr>" }
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                out += i == errorColumn ? "<td class=\"err\">\(HTMLText.escape(cell))</td>" : "<td>\(HTMLText.escape(cell))</td>"
            }
            out += "</tr>"
        }
        return out + "</table>\n"
    }

    private static func fields(_ value: JSONValue?) -> [(key: String, value: JSONValue)] {
        guard case .object(let o)? = value else { return [] }
        return o.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    private static func int(_ value: JSONValue?) -> Int64 {
        switch value {
        case .int(let n)?: return n
        case .double(let d)?: return Int64(d)
        default: return 0
        }
    }

    private static func ints(_ value: JSONValue?) -> [Int] {
        guard case .array(let items)? = value else { return [] }
        return items.map { Int(int($0)) }
    }

    private static func text(_ value: JSONValue?) -> String { value?.scalarText ?? "" }

    private static func number(_ value: JSONValue?) -> String {
        if case .double(let d)? = value { return String(format: "%.2f", d) }
        return "\(int(value))"
    }

    private static func micros(_ value: JSONValue?) -> String {
        guard case .int(let us)? = value else { return "–" }
        return us >= 1000 ? String(format: "%.1f ms", Double(us) / 1000) : "\(us) µs"
    }

    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(n) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    static func duration(_ seconds: Int64) -> String {
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min \(seconds % 60) s" }
        if seconds < 86400 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        return "\(seconds / 86400) d \(seconds % 86400 / 3600) h"
    }
}
