import Foundation
@testable import Notify
import Routing
import XCTest

/// The body subscribers receive and the binary form of delivery events.
final class EncodingTests: XCTestCase {
    func testBodyIsTypeTimestampData() throws {
        let n = Notification(id: "ntf_x", type: "action.failed", timestamp: 1_614_265_330_123,
                             data: .object(["error": .string("HTTP 422: \"email\" taken\n"), "ids": .array([.int(1), .int(2)])]))
        let body = NotificationBody.encode(n)
        XCTAssertTrue(String(decoding: body, as: UTF8.self).hasPrefix(#"{"type":"action.failed","timestamp":"2021-02-25T15:02:10.123Z","data":"#))
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        XCTAssertEqual(Set(json.keys), ["type", "timestamp", "data"])
        let data = try XCTUnwrap(json["data"] as? [String: Any])
        XCTAssertEqual(data["error"] as? String, "HTTP 422: \"email\" taken\n")
        XCTAssertEqual(data["ids"] as? [Int], [1, 2])
    }

    func testTimestampsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        for ms: Int64 in [0, 1, 999, 86_399_999, 951_782_400_000, 1_614_265_330_123, 4_102_444_800_000, 1_709_164_800_500, -1] {
            let ours = ISO8601Milliseconds.format(ms)
            let theirs = formatter.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
            XCTAssertEqual(ours, theirs, "at \(ms)")
        }
    }

    func testNotificationIDsAreStableShapeAndDistinct() {
        let ids = (0..<100).map { _ in Notification.newID() }
        XCTAssertEqual(Set(ids).count, 100)
        XCTAssertTrue(ids.allSatisfy { $0.hasPrefix("ntf_") && $0.count == 30 })
    }

    static let everyEvent: [DeliveryEvent] = [
        .planned(deliveryID: "ntf_a.crm", subscriberID: "crm",
                 notification: Notification(id: "ntf_a", type: "event.received", timestamp: 5,
                                            data: .object(["nested": .array([.null, .bool(true), .double(1.5), .string("é")])])),
                 at: 10),
        .attemptStarted(deliveryID: "ntf_a.crm", attempt: 1, at: 11),
        .attemptFinished(deliveryID: "ntf_a.crm", attempt: 1, at: 12, status: 503, latencyMs: 4,
                         outcome: .retrying(error: "HTTP 503", nextAt: 99)),
        .attemptFinished(deliveryID: "ntf_a.crm", attempt: 2, at: 13, status: nil, latencyMs: 3000, outcome: .dead(error: "timed out")),
        .attemptFinished(deliveryID: "ntf_a.crm", attempt: 3, at: 14, status: 410, latencyMs: 1, outcome: .failed(error: "gone")),
        .attemptFinished(deliveryID: "ntf_a.crm", attempt: 4, at: 15, status: 200, latencyMs: 1, outcome: .delivered),
        .attemptFinished(deliveryID: "ntf_a.crm", attempt: 5, at: 16, status: nil, latencyMs: 0,
                         outcome: .notSent(reason: "circuit open", nextAt: 17)),
        .subscriberDisabled(subscriberID: "crm", reason: "answered 410 Gone", at: 18),
        .subscriberEnabled(subscriberID: "crm", at: 19),
        .circuitOpened(subscriberID: "crm", at: 20, until: 80),
        .circuitClosed(subscriberID: "crm", at: 81),
        .redeliveryRequested(deliveryID: "ntf_a.crm", at: 82, notification: nil),
        .redeliveryRequested(deliveryID: "ntf_a.crm", at: 83, notification: Notification(id: "ntf_a", type: "action.succeeded", timestamp: 7, data: .object(["k": .string("v")]))),
    ]

    func testEveryEventRoundTrips() throws {
        for event in Self.everyEvent {
            XCTAssertEqual(try DeliveryEvent.decode(event.encoded()), event)
        }
    }

    func testDamagedBytesAreRefusedNotMisread() {
        let bytes = Self.everyEvent[0].encoded()
        for cut in [0, 1, 2, 10, bytes.count - 1] {
            XCTAssertThrowsError(try DeliveryEvent.decode(Array(bytes.prefix(cut))), "cut at \(cut)")
        }
        XCTAssertThrowsError(try DeliveryEvent.decode(bytes + [0])) { error in
            XCTAssertEqual(error as? DeliveryEventDecodingError, .invalid("trailing bytes after a kind 64 event"))
        }
        XCTAssertThrowsError(try DeliveryEvent.decode([0x01, 1])) { error in
            XCTAssertEqual(error as? DeliveryEventDecodingError, .unknownKind(1))
        }
        XCTAssertThrowsError(try DeliveryEvent.decode([0x41, 9])) { error in
            XCTAssertEqual(error as? DeliveryEventDecodingError, .unsupportedVersion(kind: 0x41, version: 9))
        }
    }
}
