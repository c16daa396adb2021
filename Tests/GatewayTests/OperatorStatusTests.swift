import Foundation
import Gateway
import Routing
import TestSupport
import XCTest

/// `GET /status` as JSON and as the HTML page.
final class OperatorStatusTests: XCTestCase {
    let ada = #"{"email":"ada@example.com","first_name":"Ada","last_name":"Lovelace","is_primary":false}"#

    func testStatusJSONCarriesTheOperatorFigures() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(503), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start(schedule: [30])
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.attempts == 1 && h.jobs().first?.status == .pending }, "the first attempt got its 503")
        sleep(1)  // the pending job's age becomes measurable

        let status = try OperatorTest.json(try OperatorTest.get(h.port, "/status"))
        XCTAssertEqual(status[path: "version"], .string(Gateway.version))
        XCTAssertNotNil(status[path: "uptime_seconds"]?.scalarText.flatMap(Int.init))
        XCTAssertEqual(status[path: "ready"], .bool(true))
        XCTAssertEqual(status[path: "sources.yunojuno.accepted"], .int(1))
        XCTAssertEqual(status[path: "sources.yunojuno.duplicates"], .int(0))
        XCTAssertNotNil(status[path: "sources.yunojuno.rejected"])
        XCTAssertNotNil(status[path: "listener.open_connections"])
        XCTAssertNotNil(status[path: "log.segments"])
        XCTAssertEqual(status[path: "apis.growcrm.retrying"], .int(1))
        XCTAssertEqual(status[path: "jobs.pending"], .int(1))
        XCTAssertEqual(status[path: "jobs.succeeded"], .int(0))
        guard case .int(let age)? = status[path: "oldest_pending_age_seconds"] else {
            return XCTFail("oldest_pending_age_seconds should be a number while a job is open: \(status[path: "oldest_pending_age_seconds"] as Any)")
        }
        XCTAssertGreaterThanOrEqual(age, 1)
        XCTAssertLessThan(age, 60)
        XCTAssertEqual(OperatorTest.items(status[path: "rates.accepted_per_minute"]).count, 60)
        // The rates follow the log every 2 s, and the event may sit in the minute before the
        // current one: wait for the tail, and count the last two minutes.
        func recent(_ key: String, _ s: JSONValue) -> Int64 {
            OperatorTest.items(s[path: "rates.\(key)"]).suffix(2).reduce(0) { sum, v in if case .int(let n) = v { return sum + n } else { return sum } }
        }
        var rates = status
        XCTAssertTrue(h.eventually(6) {
            rates = (try? OperatorTest.json(try OperatorTest.get(h.port, "/status"))) ?? rates
            return recent("accepted_per_minute", rates) > 0 && recent("action_failures_per_minute", rates) > 0
        })
        XCTAssertEqual(recent("accepted_per_minute", rates), 1, "this minute's accepted event")
        XCTAssertEqual(recent("action_failures_per_minute", rates), 1, "this minute's 503")
    }

    func testNoOpenJobsMeansNoPendingAge() throws {
        let harness = try GatewayHarness()
        defer { harness.remove() }
        let (gateway, port) = try harness.start()
        defer { gateway.shutdown() }
        let status = try OperatorTest.json(try OperatorTest.get(port, "/status"))
        XCTAssertEqual(status[path: "oldest_pending_age_seconds"], .null)
        XCTAssertEqual(status[path: "sources.form.accepted"], .int(0))
    }

    func testStatusPageIsSelfContainedHTMLWithCharts() throws {
        let h = try ActionHarness()
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .succeeded })
        let viaPath = try OperatorTest.get(h.port, "/status.html")
        let viaAccept = try OperatorTest.get(h.port, "/status", headers: [("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")])
        let asJSON = try OperatorTest.get(h.port, "/status", headers: [("Accept", "application/json, text/html;q=0.5")])
        XCTAssertEqual(asJSON.headers["content-type"], "application/json")
        for page in [viaPath, viaAccept] {
            XCTAssertEqual(page.status, 200)
            XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
            XCTAssertTrue(page.headers["content-security-policy"]?.contains("default-src 'none'") ?? false)
            let html = page.body
            XCTAssertTrue(html.hasPrefix("<!doctype html>"))
            XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2, "two charts: accepted, and action successes/failures")
            XCTAssertTrue(html.contains("<table>"))
            XCTAssertFalse(html.lowercased().contains("<script"), "no scripts")
            XCTAssertFalse(html.lowercased().contains("<link"), "no external stylesheets")
            let external = try NSRegularExpression(pattern: #"(src|href)\s*=\s*["']?\s*(https?:)?//"#, options: [.caseInsensitive])
            XCTAssertEqual(external.numberOfMatches(in: html, range: NSRange(html.startIndex..., in: html)), 0, "no external URLs in src/href")
            XCTAssertFalse(html.contains("http://") || html.contains("https://"), "no absolute URLs at all")
            XCTAssertTrue(html.contains("yunojuno") && html.contains("growcrm"), "sources and APIs are listed")
            XCTAssertTrue(html.contains("<rect"), "this minute's traffic is drawn")
            XCTAssertTrue(html.contains("accepted: 1 (this minute)"), "the accepted bar says what it counts")
        }
    }

    func testHTMLEscapesWhatItShows() throws {
        let h = try ActionHarness()
        h.fleet.growcrm.faults.add(.status(400, body: #"{"message":"<b>bad</b> & co"}"#), times: 1, method: "POST", pathPrefix: "/contacts")
        try h.start()
        XCTAssertEqual(h.sendYunoJuno("client.client_contact.created", ada, mode: "test"), 200)
        XCTAssertTrue(h.eventually { h.jobs().first?.status == .failed })
        let page = try OperatorTest.get(h.port, "/status.html").body
        XCTAssertTrue(page.contains("&lt;b&gt;bad&lt;/b&gt; &amp; co"), "the API's error is shown, escaped")
        XCTAssertFalse(page.contains("<b>bad</b>"))
    }
}
