import Foundation
@testable import Notify
import XCTest

/// The SSRF guard: at config load (a clear error naming the subscriber) and at send time.
final class AddressGuardTests: XCTestCase {
    func testForbiddenURLsAreRefusedAtConfigLoad() {
        let cases: [(String, String)] = [
            ("http://127.0.0.1/hook", "loopback"),
            ("http://10.0.0.1/hook", "private"),
            ("http://169.254.169.254/latest/meta-data", "link-local"),
            ("http://[::1]:8080/hook", "loopback"),
            ("https://172.16.5.4/", "private"),
            ("http://172.31.255.255/", "private"),
            ("http://192.168.1.1/", "private"),
            ("http://100.64.0.1/", "CGNAT"),
            ("http://100.127.255.254/", "CGNAT"),
            ("http://0.0.0.0/", "unspecified"),
            ("http://[::]/", "unspecified"),
            ("http://[fe80::1]/", "link-local"),
            ("http://[fc00::1]/", "private"),
            ("http://[fd12:3456::1]/", "private"),
            ("http://[::ffff:127.0.0.1]/", "loopback"),
            ("http://[::ffff:169.254.169.254]/", "link-local"),
            ("http://[64:ff9b::a00:1]/", "private"),
            ("http://localhost:9/", "loopback"),
            ("http://[64:ff9b:1::a00:1]/", "private"),
            ("http://[2002:a9fe:a9fe::1]/", "link-local"),
            ("http://[2002:7f00:1::1]/", "loopback"),
            ("http://192.0.0.8/", "reserved"),
            ("http://198.18.0.1/", "reserved"),
            ("http://198.19.255.255/", "reserved"),
        ]
        for (url, category) in cases {
            let config = SubscriberConfig(id: "sub-1", url: url, types: ["*"])
            XCTAssertThrowsError(try Notifier.validate([config], allowPrivateAddresses: false), url) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("subscriber \"sub-1\": url "), text)
                XCTAssertTrue(text.contains(category), "\(url): \(text)")
            }
            XCTAssertNoThrow(try Notifier.validate([config], allowPrivateAddresses: true), url)
        }
    }

    /// A name that does not resolve at start (DNS not up yet, a lapsed domain) neither keeps
    /// the gateway from starting nor marks the subscriber unusable: each connection resolves
    /// and checks again. A name resolving to a forbidden address is still refused.
    func testAHostThatDoesNotResolveAtStartIsLeftToTheSendTimeCheck() {
        let lapsed = SubscriberConfig(id: "lapsed", url: "https://no-such-host.invalid/hook", types: ["*"])
        XCTAssertNoThrow(try Notifier.validate([lapsed], allowPrivateAddresses: false))
        XCTAssertThrowsError(try Notifier.validate([SubscriberConfig(id: "local", url: "http://localhost:9/", types: ["*"])],
                                                   allowPrivateAddresses: false))
    }

    func testPublicAddressesPass() {
        for address in ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "169.255.0.1", "11.0.0.1", "192.0.2.1", "198.20.0.1"] {
            let bytes = address.split(separator: ".").map { UInt8($0)! }
            XCTAssertNil(AddressGuard.category(of: bytes), address)
        }
        XCTAssertNil(AddressGuard.category(of: [0x26, 0x06, 0x28, 0x00, 0x02, 0x20, 0, 1, 0x2, 0x48, 0x18, 0x93, 0x25, 0xc8, 0x19, 0x46]))
        XCTAssertNoThrow(try Notifier.validate([SubscriberConfig(id: "pub", url: "https://93.184.216.34/hook", types: ["*"])],
                                               allowPrivateAddresses: false))
    }

    /// Allowed at load (tests allow loopback there), refused at send time: nothing reaches
    /// the sink and the attempt is recorded as refused.
    func testSendTimeCheckRefusesAndRecords() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let subscriber = Harness.subscriber("internal", url: sink.url, schedule: [0, 10])
        let lane = SubscriberLane(subscriber: subscriber, problem: nil, allowPrivate: false, journal: journal, logger: log.logger)
        lane.start()
        let n = Harness.notification()
        let id = DeliveryID.make(notificationID: n.id, subscriberID: "internal")
        journal.record([.planned(deliveryID: id, subscriberID: "internal", notification: n, at: Harness.nowMs())]) { _ in }
        lane.admit([OpenDelivery(id: id, body: NotificationBody.encode(n), attempts: 0, roundAttempts: 0, dueAt: Harness.nowMs())])
        XCTAssertTrue(Harness.wait { journal.state().deliveries[id]?.lastError != nil })
        lane.beginStop()
        lane.finishStop(deadline: WallClock.monotonicNanoseconds() + 2_000_000_000)
        let record = try XCTUnwrap(journal.state().deliveries[id])
        XCTAssertEqual(record.status, .pending)
        XCTAssertEqual(record.lastError, "refused: host 127.0.0.1 resolves to 127.0.0.1, a loopback address")
        XCTAssertEqual(sink.count, 0)
    }

    func testNotifierWithAForbiddenSubscriberSendsNothingAndSaysWhy() throws {
        let sink = try ScriptedSink()
        defer { sink.stop() }
        let journal = MemoryDeliveryJournal()
        let log = LogLines()
        let notifier = Harness.notifier([Harness.subscriber("internal", url: sink.url, schedule: [0, 10])],
                                        journal: journal, log: log, allowPrivate: false)
        notifier.start()
        notifier.publish(Harness.notification())
        XCTAssertTrue(Harness.wait { journal.state().subscribers["internal"]?.counts.failing == 1 })
        notifier.stop()
        XCTAssertEqual(sink.count, 0)
        XCTAssertTrue(log.contains("subscriber \"internal\" will not be sent to: url refused: host 127.0.0.1 resolves to 127.0.0.1"), "\(log.all)")
    }

    /// A name is looked up on a thread of its own and waited for at most the time given (the
    /// attempt's deadline): a slow resolver stalled the subscriber's worker past it. A literal
    /// needs no lookup and is answered however little time is left.
    func testLookupsAreBoundedAndLiteralsNeedNone() throws {
        XCTAssertEqual(try HostResolver.resolve("127.0.0.1", port: 80, within: 0).map(\.text), ["127.0.0.1"])
        XCTAssertEqual(try HostResolver.resolve("::1", port: 80, within: 0).count, 1)
        XCTAssertFalse(try HostResolver.resolve("localhost", port: 80, within: 5).isEmpty)
        XCTAssertTrue(HostResolver.isLiteral("10.0.0.1") && HostResolver.isLiteral("fe80::1") && !HostResolver.isLiteral("example.com"))
    }
}
