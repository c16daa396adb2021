import Foundation
@testable import Gateway
import XCTest

/// A config file is refused with the setting's name when a key is unknown at any depth, when a
/// number cannot run, or when it is not JSON; a good one loads over the defaults.
final class ConfigurationFileTests: XCTestCase {
    private func load(_ text: String) throws -> GatewayConfiguration {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gatehouse-config-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try GatewayConfiguration.load(file: path)
    }

    private func refusal(_ text: String) -> String {
        do { _ = try load(text); return "loaded" } catch { return "\(error)" }
    }

    func testAGoodFileLoadsOverTheDefaults() throws {
        let c = try load(#"{"loops": 2, "log": {"sync": "fsync"}, "retention": {"max_age_seconds": 86400, "archive": null}}"#)
        XCTAssertEqual(c.loops, 2)
        XCTAssertEqual(c.log.sync, "fsync")
        XCTAssertEqual(c.log.segmentBytes, 64 << 20, "the other log defaults stay")
        XCTAssertEqual(c.retention.maxAgeSeconds, 86400)
    }

    /// A typo one level down once left retention silently off.
    func testUnknownNestedKeysAreRefusedByName() {
        XCTAssertTrue(refusal(#"{"retention": {"max_age_second": 86400}}"#).contains("unknown setting \"retention.max_age_second\""))
        XCTAssertTrue(refusal(#"{"log": {"sync": "fsync", "segment_byte": 1}}"#).contains("unknown setting \"log.segment_byte\""))
        XCTAssertTrue(refusal(#"{"operator_token": {"evn": "TOKEN"}}"#).contains("operator_token"), refusal(#"{"operator_token": {"evn": "TOKEN"}}"#))
        XCTAssertTrue(refusal(#"{"lops": 2}"#).contains("unknown setting \"lops\""))
    }

    /// Numbers that decode but cannot run: a negative loop count once trapped at start.
    func testNumbersThatCannotRunAreRefusedByName() {
        XCTAssertTrue(refusal(#"{"loops": -1}"#).contains("loops must be between 1 and 256"))
        XCTAssertTrue(refusal(#"{"loops": 0}"#).contains("loops must be between 1 and 256"))
        XCTAssertTrue(refusal(#"{"max_body_bytes": 2000000000}"#).contains("max_body_bytes"))
        XCTAssertTrue(refusal(#"{"log": {"segment_bytes": 0}}"#).contains("log.segment_bytes"))
        XCTAssertTrue(refusal(#"{"log": {"queue_capacity": 0}}"#).contains("log.queue_capacity"))
        // A webhook's append holds a plan per subscriber too: a queue of 2 could never take
        // one with two subscribers.
        let twoSubscribers = #"{"log": {"queue_capacity": 2}, "allow_private_subscribers": true, "subscribers": ["#
            + #"{"id": "a", "url": "http://127.0.0.1:9/a", "types": ["*"], "secrets": [{"env": "A"}]},"#
            + #"{"id": "b", "url": "http://127.0.0.1:9/b", "types": ["*"], "secrets": [{"env": "B"}]}]}"#
        XCTAssertTrue(refusal(twoSubscribers).contains("at least 3, got 2"), refusal(twoSubscribers))
    }

    /// Numbers past what the arithmetic holds trapped later (a deadline, a descriptor count);
    /// a jitter above 1 or a negative wait fired retries at once. `check` runs this same
    /// validation, so it now refuses what `serve` would.
    func testNumbersTooLargeOrOutOfTheirRangeAreRefusedByName() {
        let cases = [
            (#"{"header_timeout_ms": 9223372036854775000}"#, "header_timeout_ms"),
            (#"{"max_connections": 9223372036854775000}"#, "max_connections"),
            (#"{"log": {"sync": "fsnyc"}}"#, "log.sync must be"),
            (#"{"actions": {"jitter": 1.5}}"#, "actions.jitter"),
            (#"{"actions": {"retry_schedule_seconds": [5, -1]}}"#, "actions.retry_schedule_seconds"),
            (#"{"apis": {"simulate": false, "growcrm": {"base_url": "https://x.example/api", "timeout_seconds": 1e16}}}"#, "apis.growcrm.timeout_seconds"),
        ]
        for (text, name) in cases { XCTAssertTrue(refusal(text).contains(name), "\(text): \(refusal(text))") }
    }

    /// apis.simulate defaults to on: a file naming the real APIs without it sent every action
    /// to the built-in simulators, recorded as done.
    func testRealAPIsWithoutSimulateSaidAreRefused() throws {
        let message = refusal(#"{"apis": {"growcrm": {"base_url": "https://crm.example/api", "token": {"env": "T"}}}}"#)
        XCTAssertTrue(message.contains("apis.simulate is not"), message)
        XCTAssertFalse(try load(#"{"apis": {"simulate": false, "growcrm": {"base_url": "https://crm.example/api", "token": {"env": "T"}}}}"#).apis.simulate)
        XCTAssertTrue(try load(#"{"apis": {"simulate": true}}"#).apis.simulate)
    }

    func testAFileThatIsNotJSONSaysWhere() {
        let message = refusal(#"{"loops": 2,, }"#)
        XCTAssertTrue(message.contains("not valid JSON"), message)
        XCTAssertFalse(message.contains("The operation could not be completed"), message)
    }

    /// A variable holding only blanks is unset, as a blank file is: an empty operator token
    /// would lock every client out while the log said a token was required.
    func testABlankSecretIsUnset() throws {
        let resolver = SecretResolver(environment: ["BLANK": "  \n", "SET": " s3cret \n"])
        XCTAssertNil(try resolver.resolve(SecretReference(env: "BLANK")))
        XCTAssertEqual(try resolver.resolve(SecretReference(env: "SET")), "s3cret")
    }

    /// What `gatehouse status` prints comes from the server, API error messages included.
    func testTerminalTextKeepsLinesButNotEscapes() {
        XCTAssertEqual(TerminalText.printable("ok\n\tnext"), "ok\n\tnext")
        XCTAssertEqual(TerminalText.printable("\u{1B}[31mred\u{1B}]0;title\u{07}"), "?[31mred?]0;title?")
        XCTAssertEqual(TerminalText.printable("a\u{9B}b\u{7F}c\rd"), "a?b?c?d")
        XCTAssertEqual(TerminalText.printable("naïve ✓"), "naïve ✓")
    }
}
