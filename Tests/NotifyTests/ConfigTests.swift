import Foundation
@testable import Notify
import XCTest

/// Subscriber config as the gateway's file spells it, its validation, and redaction.
final class ConfigTests: XCTestCase {
    func testSnakeCaseKeysDecode() throws {
        let json = """
        {"id": "crm", "url": "https://hooks.example.com/in", "types": ["action.*", "event.received"],
         "headers": {"Authorization": "Bearer s3cret-token"}, "rate_limit_per_second": 5, "timeout_seconds": 2.5,
         "retry_schedule_seconds": [0, 1, 2], "jitter": 0, "max_consecutive_failures": 3, "circuit_open_seconds": 10,
         "disable_after_failing_seconds": 3600, "concurrency": 2}
        """
        let c = try JSONDecoder().decode(SubscriberConfig.self, from: Data(json.utf8))
        XCTAssertEqual(c, SubscriberConfig(id: "crm", url: "https://hooks.example.com/in", types: ["action.*", "event.received"],
                                           headers: ["Authorization": "Bearer s3cret-token"], rateLimitPerSecond: 5,
                                           timeoutSeconds: 2.5, retryScheduleSeconds: [0, 1, 2], jitter: 0,
                                           maxConsecutiveFailures: 3, circuitOpenSeconds: 10,
                                           disableAfterFailingSeconds: 3600, concurrency: 2))
        let encoded = String(decoding: try JSONEncoder().encode(c), as: UTF8.self)
        XCTAssertTrue(encoded.contains("\"rate_limit_per_second\""))
    }

    func testDefaultsAreTheDocumentedOnes() throws {
        let c = try JSONDecoder().decode(SubscriberConfig.self, from: Data(#"{"id":"a","url":"http://x.test/","types":["*"]}"#.utf8))
        XCTAssertEqual(c.effectiveTimeoutSeconds, 15)
        XCTAssertEqual(c.effectiveRetryScheduleSeconds, [0, 5, 300, 1800, 7200, 18000, 36000, 36000])
        XCTAssertEqual(c.effectiveMaxConsecutiveFailures, 5)
        XCTAssertEqual(c.effectiveCircuitOpenSeconds, 60)
        XCTAssertEqual(c.effectiveDisableAfterFailingSeconds, 5 * 86400)
    }

    func testUnknownKeyIsAnError() {
        let json = #"{"id":"a","url":"http://x.test/","types":["*"],"timeout_secs":3}"#
        XCTAssertThrowsError(try JSONDecoder().decode(SubscriberConfig.self, from: Data(json.utf8))) { error in
            XCTAssertTrue("\(error)".contains("timeout_secs"))
        }
    }

    func testInvalidConfigsAreRefusedNamingTheSubscriberNotTheSecret() {
        let bad: [(SubscriberConfig, String)] = [
            (SubscriberConfig(id: "a b", url: "http://x/", types: ["*"]), "id must be"),
            (SubscriberConfig(id: "a", url: "ftp://x/", types: ["*"]), "must start with http"),
            (SubscriberConfig(id: "a", url: "http://user:pw@x/", types: ["*"]), "credentials"),
            (SubscriberConfig(id: "a", url: "http://x:99999/", types: ["*"]), "invalid port"),
            (SubscriberConfig(id: "a", url: "http://x/a b", types: ["*"]), "percent-encode"),
            (SubscriberConfig(id: "a", url: "http://x/", types: []), "types is empty"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["action*"]), "type pattern"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], headers: ["X-Key": "s3cret\r\nEvil: 1"]), "control character"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], headers: ["Content-Length": "1"]), "set by the notifier"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], headers: ["webhook-id": "1"]), "set by the notifier"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], headers: ["bad name": "1"]), "not a valid token"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], rateLimitPerSecond: 0), "rate_limit_per_second"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], retryScheduleSeconds: []), "retry_schedule_seconds"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], retryScheduleSeconds: [0, -1]), "retry_schedule_seconds"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], maxConsecutiveFailures: 0), "max_consecutive_failures"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], concurrency: 0), "concurrency"),
            // Past what the millisecond arithmetic holds: these trapped at start or at the first failure.
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], retryScheduleSeconds: [0, 1e16]), "retry_schedule_seconds"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], circuitOpenSeconds: 1e16), "circuit_open_seconds"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], disableAfterFailingSeconds: 1e16), "disable_after_failing_seconds"),
            (SubscriberConfig(id: "a", url: "http://x/", types: ["*"], rateLimitPerSecond: 1e-20), "rate_limit_per_second"),
        ]
        for (config, expected) in bad {
            XCTAssertThrowsError(try Notifier.validate([config], allowPrivateAddresses: true), expected) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("subscriber \"\(config.id)\": "), text)
                XCTAssertTrue(text.contains(expected), text)
                XCTAssertFalse(text.contains("s3cret"), text)
                XCTAssertFalse(text.contains("pw@"), text)
            }
        }
        let twice = [SubscriberConfig(id: "a", url: "http://127.0.0.1/", types: ["*"]),
                     SubscriberConfig(id: "a", url: "http://127.0.0.1/", types: ["*"])]
        XCTAssertThrowsError(try Notifier.validate(twice, allowPrivateAddresses: true))
    }

    func testURLsParseToWhatIsConnected() throws {
        let t = try DeliveryTarget.parse("HTTP://Hooks.Example.com:8080?x=1#frag")
        XCTAssertEqual(t.scheme, .http)
        XCTAssertEqual(t.host, "hooks.example.com")
        XCTAssertEqual(t.port, 8080)
        XCTAssertEqual(t.requestTarget, "/?x=1")
        XCTAssertEqual(t.hostHeader, "hooks.example.com:8080")
        let v6 = try DeliveryTarget.parse("https://[2001:db8::1]/in")
        XCTAssertEqual(v6.host, "2001:db8::1")
        XCTAssertEqual(v6.port, 443)
        XCTAssertEqual(v6.hostHeader, "[2001:db8::1]")
    }

    func testSecretsStayOutOfDescriptions() {
        let config = SubscriberConfig(id: "crm", url: "https://x.test/in?token=s3cret", types: ["*"],
                                      headers: ["Authorization": "Bearer s3cret"])
        let subscriber = Subscriber(config: config, keys: [Array("s3cret-key-bytes".utf8)])
        for text in ["\(subscriber)", String(reflecting: subscriber), "\(config)", String(reflecting: config), "\([subscriber])"] {
            XCTAssertFalse(text.contains("s3cret"), text)
            XCTAssertTrue(text.contains("crm"), text)
        }
        var dumped = ""
        dump(subscriber, to: &dumped)
        XCTAssertFalse(dumped.contains("s3cret"), dumped)
    }
}
